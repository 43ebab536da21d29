// Every kind of method of kinds.Kinds, as grpc-go stubs call them, on one ClientConn, against a
// server that answers as tests/interop/run.sh's script does. Exits 1 with what differed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"

	"google.golang.org/grpc"

	pb "convo/kindspb"
)

func main() {
	addr := flag.String("addr", ":8000", "server address")
	flag.Parse()
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()
	got, err := callAll(pb.NewKindsClient(conn))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	want := []string{"chat 1: a", "chat 2: b", "feed 1: x", "feed 2: x", "feed 3: x", "p,q,r", "hello"}
	if !reflect.DeepEqual(got, want) {
		fmt.Fprintf(os.Stderr, "got %q, want %q\n", got, want)
		os.Exit(1)
	}
}

func callAll(client pb.KindsClient) ([]string, error) {
	ctx := context.Background()
	var said []string
	chat, err := client.Chat(ctx)
	if err != nil {
		return nil, err
	}
	for _, text := range []string{"a", "b"} {
		if err := chat.Send(&pb.Talk{Text: text}); err != nil {
			return nil, err
		}
	}
	chat.CloseSend()
	if said, err = drain(said, chat.Recv); err != nil {
		return nil, err
	}
	feed, err := client.Feed(ctx, &pb.Talk{Text: "x"})
	if err != nil {
		return nil, err
	}
	if said, err = drain(said, feed.Recv); err != nil {
		return nil, err
	}
	collect, err := client.Collect(ctx)
	if err != nil {
		return nil, err
	}
	for _, text := range []string{"p", "q", "r"} {
		if err := collect.Send(&pb.Talk{Text: text}); err != nil {
			return nil, err
		}
	}
	reply, err := collect.CloseAndRecv()
	if err != nil {
		return nil, err
	}
	said = append(said, reply.Said)
	reply, err = client.Echo(ctx, &pb.Talk{Text: "hello"})
	if err != nil {
		return nil, err
	}
	return append(said, reply.Said), nil
}

// drain appends every reply's text until the stream ends.
func drain(said []string, recv func() (*pb.Reply, error)) ([]string, error) {
	for {
		reply, err := recv()
		if err == io.EOF {
			return said, nil
		}
		if err != nil {
			return nil, err
		}
		said = append(said, reply.Said)
	}
}
