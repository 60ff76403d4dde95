// Command bare serves one file from memory with a bare net/http handler: the
// baseline bench/wrk.sh compares entente's /partners/NZL with.
//
//	go run ./bench/bare -addr 127.0.0.1:8092 -file page.html
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8092", "address to listen on")
	file := flag.String("file", "", "the file to serve at every path")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
