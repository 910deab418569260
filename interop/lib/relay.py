#!/usr/bin/python3
"""interop/lib/relay.py -- a UDP relay that duplicates, delays and reorders
datagrams, for fault-injection suites (interop/tests/faults.sh).

Run it in a namespace between a CCU and a concentrator. The CCU sends to the
relay's address; for every CCU source address and port the relay opens its
own upstream socket toward the concentrator, so the concentrator sees the
relay as a NAT (one mapping per CCU port, RFC 3948 section 2.3), and sends the
concentrator's answers back from the port the CCU sent to.

    relay.py --listen ADDR --to ADDR [--ports 500,4500] [--dup PCT]
             [--delay MS] [--jitter MS] [--reorder PCT] [--seed N]

Every option applies to both directions and to each datagram on its own:
  --dup PCT      send the datagram twice (the copy 1 ms after the original)
  --delay MS     hold it MS milliseconds
  --jitter MS    plus a uniformly random 0..MS ms: datagrams closer together
                 than the jitter overtake each other
  --reorder PCT  hold it back until the next datagram of that direction has
                 gone (at most 200 ms)
Prints "listening" once its sockets are bound; on SIGTERM or SIGINT prints
one line of counters ("relay: up N down N dup N reordered N") and exits 0.
"""

import argparse
import heapq
import random
import select
import signal
import socket
import sys
import time

REORDER_HOLD_S = 0.2


class Relay:
    def __init__(self, args):
        self.a = args
        self.rng = random.Random(args.seed)
        self.fam = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
        self.listeners = {}     # socket -> port
        self.sessions = {}      # (listener port, ccu addr) -> upstream socket
        self.upstream = {}      # upstream socket -> (listener socket, ccu addr)
        self.queue = []         # (due, seq, socket, data, address)
        self.held = {}          # direction -> (socket, data, address, due)
        self.seq = 0
        self.count = {"up": 0, "down": 0, "dup": 0, "reordered": 0}
        for port in args.ports:
            s = socket.socket(self.fam, socket.SOCK_DGRAM)
            s.bind((args.listen, port))
            self.listeners[s] = port

    def schedule(self, delay, sock, data, addr):
        self.seq += 1
        heapq.heappush(self.queue,
                       (time.monotonic() + delay, self.seq, sock, data, addr))

    def impair(self, direction, sock, data, addr):
        """Applies the faults to one datagram and queues what is sent."""
        self.count[direction] += 1
        delay = (self.a.delay + self.rng.uniform(0, self.a.jitter)) / 1000
        held = self.held.pop(direction, None)
        if self.rng.uniform(0, 100) < self.a.reorder and held is None:
            self.count["reordered"] += 1
            self.held[direction] = (sock, data, addr,
                                    time.monotonic() + REORDER_HOLD_S)
        else:
            self.schedule(delay, sock, data, addr)
        if held is not None:    # goes after the datagram that overtook it
            self.schedule(delay + 0.0005, *held[:3])
        if self.rng.uniform(0, 100) < self.a.dup:
            self.count["dup"] += 1
            self.schedule(delay + 0.001, sock, data, addr)

    def from_ccu(self, lsock):
        data, addr = lsock.recvfrom(65535)
        key = (self.listeners[lsock], addr)
        up = self.sessions.get(key)
        if up is None:
            up = socket.socket(self.fam, socket.SOCK_DGRAM)
            up.bind((self.a.listen, 0))
            self.sessions[key] = up
            self.upstream[up] = (lsock, addr)
        self.impair("up", up, data, (self.a.to, key[0]))

    def from_conc(self, up):
        data, _ = up.recvfrom(65535)
        lsock, addr = self.upstream[up]
        self.impair("down", lsock, data, addr)

    def flush(self):
        """Sends what is due; returns seconds until the next event."""
        now = time.monotonic()
        for direction, h in list(self.held.items()):
            if h[3] <= now:
                del self.held[direction]
                self.schedule(0, *h[:3])
        while self.queue and self.queue[0][0] <= now:
            _, _, sock, data, addr = heapq.heappop(self.queue)
            try:
                sock.sendto(data, addr)
            except OSError:
                pass    # unreachable for now: a lost datagram
        dues = [q[0] for q in self.queue[:1]] + [h[3] for h in self.held.values()]
        return max(0.0, min(dues) - now) if dues else None

    def run(self):
        print("listening", flush=True)
        while True:
            timeout = self.flush()
            socks = list(self.listeners) + list(self.upstream)
            ready, _, _ = select.select(socks, [], [], timeout)
            for s in ready:
                if s in self.listeners:
                    self.from_ccu(s)
                else:
                    self.from_conc(s)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--listen", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--ports", default="500,4500",
                   type=lambda v: [int(x) for x in v.split(",")])
    p.add_argument("--dup", type=float, default=0)
    p.add_argument("--delay", type=float, default=0)
    p.add_argument("--jitter", type=float, default=0)
    p.add_argument("--reorder", type=float, default=0)
    p.add_argument("--seed", type=int, default=None)
    relay = Relay(p.parse_args())

    def stop(*_):
        c = relay.count
        print("relay: up %d down %d dup %d reordered %d" %
              (c["up"], c["down"], c["dup"], c["reordered"]), flush=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    relay.run()


if __name__ == "__main__":
    main()
