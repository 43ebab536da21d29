// A grpc-go client of the key-value store of examples/kv.proto, as an application uses one: puts,
// a lease (an int64 id past 2^53), then a watch from revision 1 (a bidirectional stream whose
// request is a oneof), read for its created response and its first events, then cancelled. It
// prints what it was told, a line per response, so that two runs can be compared.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"google.golang.org/grpc"

	pb "convo/kvpb"
)

func main() {
	addr := flag.String("addr", ":8000", "server address")
	flag.Parse()
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fail("dial", err)
	}
	defer conn.Close()
	client := pb.NewKVClient(conn)
	ctx := context.Background()
	for _, put := range []struct{ key, value string }{{"a", "1"}, {"a", "2"}, {"b", "3"}} {
		resp, err := client.Put(ctx, &pb.PutRequest{Key: []byte(put.key), Value: []byte(put.value)})
		if err != nil {
			fail("put", err)
		}
		fmt.Printf("put %s=%s revision %d\n", put.key, put.value, resp.Header.GetRevision())
	}
	lease, err := client.Lease(ctx, &pb.LeaseRequest{Ttl: 60})
	if err != nil {
		fail("lease", err)
	}
	fmt.Printf("lease %d ttl %d\n", lease.Id, lease.Ttl)
	watching, cancel := context.WithCancel(ctx)
	defer cancel()
	watch, err := client.Watch(watching)
	if err != nil {
		fail("watch", err)
	}
	create := &pb.WatchRequest_CreateRequest{CreateRequest: &pb.WatchCreateRequest{Key: []byte("a"), StartRevision: 1}}
	if err := watch.Send(&pb.WatchRequest{RequestUnion: create}); err != nil {
		fail("watch send", err)
	}
	for n := 0; n < 2; n++ {
		resp, err := watch.Recv()
		if err != nil {
			fail("watch recv", err)
		}
		fmt.Printf("watch %d created %v revision %d:", resp.WatchId, resp.Created, resp.Header.GetRevision())
		for _, event := range resp.Events {
			fmt.Printf(" %v %s=%s@%d", event.Type, event.Kv.Key, event.Kv.Value, event.Kv.ModRevision)
		}
		fmt.Println()
	}
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}
