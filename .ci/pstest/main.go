// Google's fake Pub/Sub server (pstest, from the Go client library) as a process the tests start:
// listens on -addr, prints one "pstest listening on <addr>" line on stdout when it serves, and exits on
// SIGTERM or SIGINT. State is in memory: a new process is a new, empty Pub/Sub.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8085", "listen address (host:port)")
	flag.Parse()
	srv := pstest.NewServerWithAddress(*addr)
	fmt.Printf("pstest listening on %s\n", srv.Addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	_ = srv.Close()
}
