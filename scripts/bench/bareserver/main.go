// Command bareserver serves fixed response bodies with net/http and nothing else: the baseline
// scripts/bench-confluent.sh measures Carta's Confluent API against.
//
//	bareserver -addr 127.0.0.1:9000 /schemas/ids/1=ids.json /subjects/s/versions/latest=latest.json
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address`")
	flag.Parse()
	mux := http.NewServeMux()
	for _, arg := range flag.Args() {
		path, file, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "bareserver: want PATH=FILE, got %q\n", arg)
			os.Exit(2)
		}
		body, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bareserver:", err)
			os.Exit(2)
		}
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
			w.Write(body)
		})
	}
	if err := http.ListenAndServe(*addr, mux); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}
