// The key-value store of examples/kv.proto in grpc-go, in memory, with its reflection: puts
// number revisions from 1, a watch answers created, then the key's puts from start_revision in
// one response, then each later put in a response of its own. It prints the bound address so
// that tests can use port 0.
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"

	pb "convo/kvpb"
)

// The first lease id: past 2^53, where a client that reads int64 as a double rounds it.
const firstLease = 9007199254740993

type store struct {
	pb.UnimplementedKVServer
	mu     sync.Mutex
	puts   *sync.Cond
	log    []*pb.KeyValue
	leases int64
}

func (s *store) Put(_ context.Context, req *pb.PutRequest) (*pb.PutResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev := int64(len(s.log) + 1)
	s.log = append(s.log, &pb.KeyValue{Key: req.Key, Value: req.Value, ModRevision: rev, Lease: req.Lease})
	s.puts.Broadcast()
	return &pb.PutResponse{Header: &pb.Header{Revision: rev}}, nil
}

func (s *store) Range(_ context.Context, req *pb.RangeRequest) (*pb.RangeResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	newest := map[string]*pb.KeyValue{}
	for _, kv := range s.log {
		if bytes.HasPrefix(kv.Key, req.Prefix) {
			newest[string(kv.Key)] = kv
		}
	}
	resp := &pb.RangeResponse{Header: &pb.Header{Revision: int64(len(s.log))}, Count: int64(len(newest))}
	for _, kv := range newest {
		resp.Kvs = append(resp.Kvs, kv)
	}
	sort.Slice(resp.Kvs, func(i, j int) bool { return bytes.Compare(resp.Kvs[i].Key, resp.Kvs[j].Key) < 0 })
	return resp, nil
}

func (s *store) Lease(_ context.Context, req *pb.LeaseRequest) (*pb.LeaseResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.leases++
	return &pb.LeaseResponse{Id: firstLease + s.leases - 1, Ttl: req.Ttl}, nil
}

func (s *store) Watch(stream pb.KV_WatchServer) error {
	var send sync.Mutex
	for id := int64(1); ; id++ {
		req, err := stream.Recv()
		if err == io.EOF {
			select {} // the client ends the watch
		}
		if err != nil {
			return err
		}
		create := req.GetCreateRequest()
		if create == nil {
			continue
		}
		send.Lock()
		err = stream.Send(&pb.WatchResponse{WatchId: id, Created: true})
		send.Unlock()
		if err != nil {
			return err
		}
		go s.follow(stream, &send, id, create)
	}
}

// follow sends the key's puts from the start revision on, those already made in one response.
func (s *store) follow(stream pb.KV_WatchServer, send *sync.Mutex, id int64, create *pb.WatchCreateRequest) {
	s.mu.Lock()
	next := int(create.StartRevision) - 1
	if create.StartRevision == 0 {
		next = len(s.log)
	}
	for {
		for next >= len(s.log) {
			s.puts.Wait()
		}
		var events []*pb.Event
		for ; next < len(s.log); next++ {
			if bytes.Equal(s.log[next].Key, create.Key) {
				events = append(events, &pb.Event{Type: pb.EventType_PUT, Kv: s.log[next]})
			}
		}
		if len(events) == 0 {
			continue
		}
		s.mu.Unlock()
		send.Lock()
		err := stream.Send(&pb.WatchResponse{WatchId: id, Events: events, Header: &pb.Header{Revision: int64(next)}})
		send.Unlock()
		if err != nil {
			return
		}
		s.mu.Lock()
	}
}

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", lis.Addr())
	server := grpc.NewServer()
	s := &store{}
	s.puts = sync.NewCond(&s.mu)
	pb.RegisterKVServer(server, s)
	reflection.Register(server)
	log.Fatal(server.Serve(lis))
}
