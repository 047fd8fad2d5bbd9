// The __role__ service of __app__.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

// handler answers every request; add routes here.
func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"service":     "__role__",
			"application": "__app__",
		})
	})
	return mux
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Printf("__role__ listening on port %s", port)
	log.Fatal(http.ListenAndServe(":"+port, handler()))
}
