#!/usr/bin/python3
"""interop/lib/xfer.py — move one file over TCP for the namespace tests.

  xfer.py recv BIND_ADDR PORT OUTFILE      accept one connection, store it
  xfer.py send SRC_ADDR DST_ADDR PORT FILE connect from SRC_ADDR, send FILE

The receiver exits 0 once the sender closes; both give up after 30 s.
"""
import socket
import sys

TIMEOUT = 30


def recv(addr, port, out):
    with socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(TIMEOUT)
        s.bind((addr, int(port)))
        s.listen(1)
        print("listening", flush=True)
        conn, _ = s.accept()
        conn.settimeout(TIMEOUT)
        with conn, open(out, "wb") as f:
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    break
                f.write(data)


def send(src, dst, port, path):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    with socket.socket(family) as s, open(path, "rb") as f:
        s.settimeout(TIMEOUT)
        s.bind((src, 0))
        s.connect((dst, int(port)))
        s.sendfile(f)
        s.shutdown(socket.SHUT_WR)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "recv":
        recv(*sys.argv[2:])
    elif len(sys.argv) == 6 and sys.argv[1] == "send":
        send(*sys.argv[2:])
    else:
        sys.exit(__doc__)
