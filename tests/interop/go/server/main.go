// The Go tutorial's bidirectional-streaming server: it answers the n-th question of each
// conversation with "from stream server answer: the n question is q". It listens on ":8000" as
// the tutorial does unless -addr says otherwise, and prints the bound address so that tests can
// use port 0. -ping-min-time shortens grpc-go's keepalive enforcement (5 minutes by default:
// a client that pings more often than that while the server sends nothing is cut off), so that
// tests can show the policy in seconds.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"

	"google.golang.org/grpc"
	// As most Go servers do: it accepts gzip-compressed messages.
	_ "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/keepalive"

	pb "convo/proto"
)

type streamService struct {
	pb.UnimplementedStreamServer
}

func (s *streamService) Conversations(srv pb.Stream_ConversationsServer) error {
	n := 1
	for {
		req, err := srv.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		answer := "from stream server answer: the " + strconv.Itoa(n) + " question is " + req.Question
		if err := srv.Send(&pb.StreamResponse{Answer: answer}); err != nil {
			return err
		}
		n++
	}
}

func main() {
	addr := flag.String("addr", ":8000", "address to listen on")
	pingMinTime := flag.Duration("ping-min-time", 0, "keepalive EnforcementPolicy.MinTime (0: grpc-go's default)")
	flag.Parse()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("net.Listen err: %v", err)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", listener.Addr())
	var options []grpc.ServerOption
	if *pingMinTime > 0 {
		options = append(options, grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: *pingMinTime}))
	}
	server := grpc.NewServer(options...)
	pb.RegisterStreamServer(server, &streamService{})
	if err := server.Serve(listener); err != nil {
		log.Fatalf("grpcServer.Serve err: %v", err)
	}
}
