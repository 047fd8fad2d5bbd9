#!/usr/bin/env python3
"""Records conversations with a real server, for the fixtures of
src/core/security/open/recorded/: listens on 127.0.0.1:LISTEN, forwards
each connection to 127.0.0.1:TARGET and writes NAME-N.log (N counts the
connections) in the current directory: one line per read, `S` for the
server's bytes, `C` for the client's, in hex, and `EOF` where a side closed.

    python3 scripts/record-conversation.py 43306 3306 mariadb

The recordings of exo's client were made with Debian 12's mariadb-server
and rabbitmq-server on loopback (apt-get install mariadb-server
rabbitmq-server), the client driven by a one-off unit test:

    let variables = Default::default();
    let client = open::Client { address: "127.0.0.1:43306".into(),
                                variables: &variables, now: jiff::Timestamp::now() };
    let mut talk = open::conversation("mariadb", &client).unwrap();
    println!("{:?}", probe::converse("127.0.0.1:43306".parse().unwrap(), &mut talk,
                                     Duration::from_secs(5)).await);

Loopback only; it stops with Ctrl-C.
"""
import select
import socket
import sys
import threading


def pump(client, target, path):
    server = socket.create_connection(("127.0.0.1", target))
    sides = {client: ("C", server), server: ("S", client)}
    with open(path, "w") as log:
        while sides:
            ready, _, _ = select.select(list(sides), [], [], 10)
            if not ready:
                break
            for sock in ready:
                tag, other = sides[sock]
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    data = b""
                if not data:
                    log.write(f"{tag} EOF\n")
                    for each in list(sides):
                        each.close()
                    sides = {}
                    break
                log.write(f"{tag} {data.hex()}\n")
                other.sendall(data)


def main():
    listen, target, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", listen))
    listener.listen(5)
    count = 0
    while True:
        client, _ = listener.accept()
        count += 1
        threading.Thread(
            target=pump, args=(client, target, f"{name}-{count}.log"), daemon=True
        ).start()


if __name__ == "__main__":
    main()
