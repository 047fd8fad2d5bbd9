//! The __role__ service of __app__: a small HTTP server on the standard
//! library. Swap in a framework (axum, actix-web) when it needs more.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

/// The status, content type and body for a request line such as
/// `GET /health HTTP/1.1`; add routes here.
fn respond(request_line: &str) -> (&'static str, &'static str, String) {
    match request_line.split_whitespace().nth(1) {
        Some("/health") => ("200 OK", "text/plain", "ok\n".to_owned()),
        Some(_) => (
            "200 OK",
            "application/json",
            "{\"service\":\"__role__\",\"application\":\"__app__\"}\n".to_owned(),
        ),
        None => ("400 Bad Request", "text/plain", "bad request\n".to_owned()),
    }
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    let mut request_line = String::new();
    BufReader::new(&stream).read_line(&mut request_line)?;
    let (status, content_type, body) = respond(&request_line);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let listener = TcpListener::bind(("0.0.0.0", port.parse().unwrap_or(8080)))?;
    println!("__role__ listening on port {port}");
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || {
            if let Err(err) = serve(stream) {
                eprintln!("__role__: {err}");
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_answers_ok() {
        assert_eq!(
            respond("GET /health HTTP/1.1\r\n"),
            ("200 OK", "text/plain", "ok\n".to_owned())
        );
    }

    #[test]
    fn a_garbled_request_is_refused() {
        assert_eq!(respond("\r\n").0, "400 Bad Request");
    }
}
