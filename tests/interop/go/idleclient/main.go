// Conversations that stay open, as chats, watches and subscriptions do: C conversations on ONE
// ClientConn (one HTTP/2 connection, as grpc-go always uses), each sending one question as it
// opens and waiting for its answer, all held open until every one has been answered. A server
// that queues streams past a limit answers those only when others end, which here is never:
// each must be answered within -within of opening. Prints the figures; exits 1 on any failure.
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
	conversations := flag.Int("c", 10000, "conversations held open at once")
	within := flag.Duration("within", time.Second, "longest wait for a conversation's answer")
	keep := flag.Bool("hold", false, "once all are answered, keep them open until stdin closes")
	flag.Parse()
	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintf(os.Stderr, "dial: %v\n", err)
		os.Exit(1)
	}
	defer conn.Close()
	client := pb.NewStreamClient(conn)

	start := time.Now()
	var answered, done sync.WaitGroup
	release := make(chan struct{})
	errs := make(chan error, *conversations)
	var slowest time.Duration
	var mu sync.Mutex
	for c := 0; c < *conversations; c++ {
		answered.Add(1)
		done.Add(1)
		go func(c int) {
			defer done.Done()
			took, err := hold(client, c, release, answered.Done)
			if err != nil {
				errs <- fmt.Errorf("conversation %d: %v", c, err)
				return
			}
			mu.Lock()
			if took > slowest {
				slowest = took
			}
			mu.Unlock()
		}(c)
	}
	waited := make(chan struct{})
	go func() { answered.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(30 * time.Second):
		fmt.Fprintf(os.Stderr, "not every one of %d conversations was answered within 30 s: a stream limit queues them?\n", *conversations)
		os.Exit(1)
	}
	allOpen := time.Since(start)
	if *keep {
		fmt.Println("all open")
		io.Copy(io.Discard, os.Stdin)
	}
	close(release)
	done.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed < 5 {
			fmt.Fprintln(os.Stderr, err)
		}
		failed++
	}
	fmt.Printf("%d conversations open at once on one connection: all answered in %.3f s, slowest answer %.0f ms after opening, %d failed\n",
		*conversations, allOpen.Seconds(), float64(slowest)/float64(time.Millisecond), failed)
	if failed > 0 || slowest > *within {
		if slowest > *within {
			fmt.Fprintf(os.Stderr, "a conversation waited %v for its answer, over %v\n", slowest, *within)
		}
		os.Exit(1)
	}
}

// hold opens one conversation, asks once, reports the answer (its wait through answered), keeps
// the conversation open until release, and then ends it cleanly.
func hold(client pb.StreamClient, c int, release chan struct{}, answered func()) (time.Duration, error) {
	once := sync.Once{}
	defer once.Do(answered)
	stream, err := client.Conversations(context.Background())
	if err != nil {
		return 0, err
	}
	// Open: grpc-go has sent its HEADERS (or queued them behind a server's stream limit).
	opened := time.Now()
	question := "idle " + strconv.Itoa(c)
	if err := stream.Send(&pb.StreamRequest{Question: question}); err != nil {
		return 0, err
	}
	res, err := stream.Recv()
	if err != nil {
		return 0, err
	}
	took := time.Since(opened)
	want := "from stream server answer: the 1 question is " + question
	if res.Answer != want {
		return took, fmt.Errorf("answer %q, want %q", res.Answer, want)
	}
	once.Do(answered)
	<-release
	if err := stream.CloseSend(); err != nil {
		return took, err
	}
	if _, err := stream.Recv(); err != io.EOF {
		return took, fmt.Errorf("after the end: %v", err)
	}
	return took, nil
}
