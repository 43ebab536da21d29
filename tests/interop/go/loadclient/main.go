// A Go service's load as grpc-go makes it: C conversations at once, all multiplexed on one
// ClientConn (one HTTP/2 connection), each pipelining N short questions while it reads the
// answers. Every answer is checked. It prints one line of figures and exits 1 if any
// conversation failed or answered wrongly.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"

	pb "convo/proto"
)

func main() {
	addr := flag.String("addr", ":8000", "server address")
	conversations := flag.Int("c", 1000, "conversations at once")
	questions := flag.Int("n", 200, "questions per conversation")
	flag.Parse()
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()
	client := pb.NewStreamClient(conn)

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, *conversations)
	for c := 0; c < *conversations; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			if err := converse(client, c, *questions); err != nil {
				errs <- fmt.Errorf("conversation %d: %v", c, err)
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	close(errs)
	failed := 0
	for err := range errs {
		if failed < 5 {
			fmt.Fprintln(os.Stderr, err)
		}
		failed++
	}
	answers := (*conversations - failed) * *questions
	fmt.Printf("%d conversations x %d questions on one connection: %d failed, %d answers in %.3f s, %.0f answers/s\n",
		*conversations, *questions, failed, answers, elapsed, float64(answers)/elapsed)
	if failed > 0 {
		os.Exit(1)
	}
}

// converse sends every question without waiting and checks each answer as it comes.
func converse(client pb.StreamClient, c, questions int) error {
	stream, err := client.Conversations(context.Background())
	if err != nil {
		return err
	}
	go func() {
		for q := 0; q < questions; q++ {
			question := "c" + strconv.Itoa(c) + " q" + strconv.Itoa(q)
			if stream.Send(&pb.StreamRequest{Question: question}) != nil {
				return // the receiving side reports why
			}
		}
		stream.CloseSend()
	}()
	for q := 0; ; q++ {
		res, err := stream.Recv()
		if err == io.EOF {
			if q != questions {
				return fmt.Errorf("%d answers for %d questions", q, questions)
			}
			return nil
		}
		if err != nil {
			return err
		}
		want := "from stream server answer: the " + strconv.Itoa(q+1) + " question is c" +
			strconv.Itoa(c) + " q" + strconv.Itoa(q)
		if res.Answer != want {
			return fmt.Errorf("answer %d is %q, want %q", q+1, res.Answer, want)
		}
	}
}
