// A full-duplex client as a Go user would write one: one goroutine sends every stdin line as a
// question without waiting, the main goroutine prints answers as they come. It exits 1 with the
// status if the conversation fails. With -gzip it compresses every question, as
// grpc.UseCompressor(gzip.Name) does.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding/gzip"

	pb "convo/proto"
)

func main() {
	addr := flag.String("addr", ":8000", "server address")
	compress := flag.Bool("gzip", false, "compress questions with gzip")
	flag.Parse()
	var options []grpc.CallOption
	if *compress {
		options = append(options, grpc.UseCompressor(gzip.Name))
	}
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()
	stream, err := pb.NewStreamClient(conn).Conversations(context.Background(), options...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "open: %v\n", err)
		os.Exit(1)
	}

	go func() {
		scanner := bufio.NewScanner(os.Stdin)
		scanner.Buffer(make([]byte, 1024*1024), 8*1024*1024)
		for scanner.Scan() {
			if err := stream.Send(&pb.StreamRequest{Question: scanner.Text()}); err != nil {
				return // the receive side reports why
			}
		}
		stream.CloseSend()
	}()

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for {
		res, err := stream.Recv()
		if err == io.EOF {
			return
		}
		if err != nil {
			out.Flush()
			fmt.Fprintf(os.Stderr, "recv: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintln(out, res.Answer)
	}
}
