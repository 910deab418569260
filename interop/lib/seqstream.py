#!/usr/bin/python3
"""interop/lib/seqstream.py -- a steady stream of numbered UDP datagrams, to
count what a tunnel loses while it rekeys (interop/soak.sh).

  seqstream.py sink BIND_ADDR PORT
  seqstream.py source SRC_ADDR DST_ADDR PORT RATE SECONDS

The source sends RATE datagrams per second for SECONDS, each carrying its
number and the time it was sent, then the line "sent N". The sink prints
"listening" once bound; on SIGTERM it prints "received N unique N dup N
highest N" and one line per gap in the numbers, "gap FIRST LAST AT" (AT:
seconds since the sink's first datagram when the datagram after the gap came).
"""
import signal
import socket
import struct
import sys
import time

FMT = "!Qd"     # number, send time
PAD = 64        # datagram size: a small, steady payload


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def sink(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((addr, int(port)))
    seen = set()
    gaps = []
    st = {"received": 0, "dup": 0, "highest": -1, "t0": None}

    def report(*_):
        print("received %d unique %d dup %d highest %d" %
              (st["received"], len(seen), st["dup"], st["highest"]))
        for g in gaps:
            # a gap later filled by a late (reordered) datagram is no loss
            missing = [n for n in range(g[0], g[1] + 1) if n not in seen]
            if missing:
                print("gap %d %d %.3f" % (missing[0], missing[-1], g[2]))
        sys.stdout.flush()
        sys.exit(0)
    signal.signal(signal.SIGTERM, report)
    print("listening", flush=True)
    while True:
        data = s.recv(2048)
        if len(data) < struct.calcsize(FMT):
            continue
        n, _ = struct.unpack_from(FMT, data)
        now = time.monotonic()
        if st["t0"] is None:
            st["t0"] = now
        st["received"] += 1
        if n in seen:
            st["dup"] += 1
            continue
        seen.add(n)
        if n > st["highest"] + 1:
            gaps.append((st["highest"] + 1, n - 1, now - st["t0"]))
        st["highest"] = max(st["highest"], n)


def source(src, dst, port, rate, seconds):
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.bind((src, 0))
    rate, total = float(rate), int(float(rate) * float(seconds))
    t0 = time.monotonic()
    for n in range(total):
        delay = t0 + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(struct.pack(FMT, n, time.time()).ljust(PAD, b"\0"),
                     (dst, int(port)))
        except OSError:
            pass    # no route for a moment: the sink counts it lost
    print("sent %d" % total, flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "sink":
        sink(*sys.argv[2:])
    elif len(sys.argv) == 7 and sys.argv[1] == "source":
        source(*sys.argv[2:])
    else:
        sys.exit(__doc__)
