package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHealthAnswersOK(t *testing.T) {
	server := httptest.NewServer(handler())
	defer server.Close()
	response, err := http.Get(server.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(response.Body)
	if response.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("got %d %q, want 200 \"ok\\n\"", response.StatusCode, body)
	}
}
