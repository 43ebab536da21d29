// The test service of proto/kinds.proto in grpc-go, with its reflection (v1alpha in Debian's
// grpc-go) unless -reflection=false. It prints the bound address so that tests can use port 0.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	pb "convo/kindspb"
)

type kinds struct {
	pb.UnimplementedKindsServer
}

func (kinds) Chat(stream pb.Kinds_ChatServer) error {
	for n := 1; ; n++ {
		talk, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		reply := &pb.Reply{Said: "chat " + strconv.Itoa(n) + ": " + talk.Text, Mood: talk.Mood}
		if err := stream.Send(reply); err != nil {
			return err
		}
	}
}

func (kinds) Feed(talk *pb.Talk, stream pb.Kinds_FeedServer) error {
	for n := 1; n <= 3; n++ {
		if err := stream.Send(&pb.Reply{Said: "feed " + strconv.Itoa(n) + ": " + talk.Text}); err != nil {
			return err
		}
	}
	return nil
}

func (kinds) Collect(stream pb.Kinds_CollectServer) error {
	var texts []string
	for {
		talk, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&pb.Reply{Said: strings.Join(texts, ",")})
		}
		if err != nil {
			return err
		}
		texts = append(texts, talk.Text)
	}
}

func (kinds) Echo(_ context.Context, talk *pb.Talk) (*pb.Reply, error) {
	return &pb.Reply{Said: talk.Text, Mood: talk.Mood, Meta: talk.Meta, Tags: talk.Tags, Big: talk.Big}, nil
}

func (kinds) Pick(_ context.Context, choice *pb.Choice) (*pb.Choice, error) {
	return choice, nil
}

func (kinds) Count(_ context.Context, numbers *pb.Numbers) (*pb.Numbers, error) {
	if numbers.N < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "cannot count to %d", numbers.N)
	}
	return &pb.Numbers{N: numbers.N + 1}, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	reflect := flag.Bool("reflection", true, "serve reflection")
	flag.Parse()
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	fmt.Fprintf(os.Stderr, "listening on %s\n", listener.Addr())
	server := grpc.NewServer()
	pb.RegisterKindsServer(server, kinds{})
	if *reflect {
		reflection.Register(server)
	}
	if err := server.Serve(listener); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
