// The Go tutorial's bidirectional-streaming client: five questions, "stream client rpc 0" to
// "stream client rpc 4", each sent only after the previous answer arrived, each answer logged.
// It dials ":8000" as the tutorial does unless -addr says otherwise.
package main

import (
	"context"
	"flag"
	"io"
	"log"
	"strconv"

	"google.golang.org/grpc"

	pb "convo/proto"
)

func main() {
	addr := flag.String("addr", ":8000", "server address")
	flag.Parse()
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		log.Fatalf("net.Connect err: %v", err)
	}
	defer conn.Close()

	stream, err := pb.NewStreamClient(conn).Conversations(context.Background())
	if err != nil {
		log.Fatalf("get conversations stream err: %v", err)
	}
	for n := 0; n < 5; n++ {
		if err := stream.Send(&pb.StreamRequest{Question: "stream client rpc " + strconv.Itoa(n)}); err != nil {
			log.Fatalf("stream request err: %v", err)
		}
		res, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatalf("Conversations get stream err: %v", err)
		}
		log.Println(res.Answer)
	}
	if err := stream.CloseSend(); err != nil {
		log.Fatalf("Conversations close stream err: %v", err)
	}
}
