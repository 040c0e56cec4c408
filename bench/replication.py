#!/usr/bin/env python3
"""Timing helpers of bench/replication.sh, talking RESP over plain sockets (no dependencies).

  replication.py sync PRIMARY_PORT REPLICA_PORT
      Sends REPLICAOF 127.0.0.1 PRIMARY_PORT to the replica, polls it every 5 ms until INFO replication says
      master_link_status:up and its DBSIZE equals the primary's, prints "ms=<elapsed> full_syncs=<delta>"
      (delta of the primary's sync_full, which must be 1: a partial resync would not be a full sync).
  replication.py lag PRIMARY_PORT REPLICA_PORT RATE SECONDS
      Writes RATE SET/s in database 1 (16-byte values over 100,000 keys, in 1 ms batches, each batch ending
      with SET bench:ts <ns>) for SECONDS, and every 10 ms samples the replica (slave_repl_offset, GET bench:ts),
      then the primary (master_repl_offset, GET bench:ts). Prints the achieved rate, p50/p99/max of the lag in
      bytes (primary offset - replica offset) and in ms (primary's newest batch timestamp - the replica's). The
      primary is read second, so both are upper bounds: they include what was written between the two reads.
"""
import socket
import sys
import threading
import time


def cmd(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind in (b"+", b":"):
            return rest
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            value, self.buf = self.buf[:n], self.buf[n + 2:]
            return value
        if kind == b"*":
            return [self.reply() for _ in range(int(rest))]
        raise RuntimeError("unexpected reply %r" % line)

    def call(self, *args):
        self.sock.sendall(cmd(*args))
        return self.reply()

    def info(self, section):
        fields = {}
        for line in self.call("INFO", section).decode().splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                fields[k] = v
        return fields


def sync(primary_port, replica_port):
    primary, replica = Conn(primary_port), Conn(replica_port)
    keys = int(primary.call("DBSIZE"))
    full_before = int(primary.info("stats")["sync_full"])
    start = time.perf_counter()
    replica.call("REPLICAOF", "127.0.0.1", primary_port)
    while True:
        if replica.info("replication").get("master_link_status") == "up" and int(replica.call("DBSIZE")) == keys:
            break
        if time.perf_counter() - start > 600:
            sys.exit("replica on port %d not in sync with %d keys after 600 s" % (replica_port, keys))
        time.sleep(0.005)
    elapsed = (time.perf_counter() - start) * 1000
    full = int(primary.info("stats")["sync_full"]) - full_before
    print("ms=%.0f full_syncs=%d keys=%d" % (elapsed, full, keys))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def lag(primary_port, replica_port, rate, seconds):
    per_batch = max(1, rate // 1000)
    batches = [b"".join(cmd("SET", "lag:%d" % ((b * per_batch + i) % 100000), "v" * 16)
                        for i in range(per_batch)) for b in range(100000 // per_batch)]
    stop = threading.Event()
    written = [0]

    def writer():
        conn = Conn(primary_port)
        conn.call("SELECT", 1)
        expected = 0
        start = time.perf_counter()
        b = 0
        while not stop.is_set():
            due = start + b * 0.001
            now = time.perf_counter()
            if due > now:
                time.sleep(due - now)
            conn.sock.sendall(batches[b % len(batches)] + cmd("SET", "bench:ts", time.time_ns()))
            expected += 5 * (per_batch + 1)  # "+OK\r\n" a command
            b += 1
            written[0] += per_batch
            # read what has arrived without waiting, so replies never pile up in the socket
            conn.sock.setblocking(False)
            try:
                while expected > 0:
                    data = conn.sock.recv(1 << 20)
                    if not data:
                        raise ConnectionError("primary closed the connection")
                    expected -= len(data)
            except BlockingIOError:
                pass
            conn.sock.setblocking(True)
        while expected > 0:
            expected -= len(conn.sock.recv(1 << 20))

    primary, replica = Conn(primary_port), Conn(replica_port)
    primary.call("SELECT", 1)
    replica.call("SELECT", 1)
    thread = threading.Thread(target=writer)
    t0 = time.perf_counter()
    thread.start()
    lag_bytes, lag_ms = [], []
    time.sleep(0.5)  # the first half second is the writer finding its pace
    while time.perf_counter() - t0 < seconds + 0.5:
        r_off = int(replica.info("replication")["slave_repl_offset"])
        r_ts = replica.call("GET", "bench:ts")
        p_off = int(primary.info("replication")["master_repl_offset"])
        p_ts = primary.call("GET", "bench:ts")
        lag_bytes.append(max(0, p_off - r_off))
        if r_ts is not None and p_ts is not None:
            lag_ms.append((int(p_ts) - int(r_ts)) / 1e6)
        time.sleep(0.01)
    stop.set()
    thread.join()
    achieved = written[0] / (time.perf_counter() - t0)
    print("rate=%.0f samples=%d lag_bytes_p50=%d lag_bytes_p99=%d lag_bytes_max=%d "
          "lag_ms_p50=%.2f lag_ms_p99=%.2f lag_ms_max=%.2f"
          % (achieved, len(lag_bytes), percentile(lag_bytes, 0.5), percentile(lag_bytes, 0.99), max(lag_bytes),
             percentile(lag_ms, 0.5), percentile(lag_ms, 0.99), max(lag_ms)))


if __name__ == "__main__":
    if sys.argv[1] == "sync":
        sync(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "lag":
        lag(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)
