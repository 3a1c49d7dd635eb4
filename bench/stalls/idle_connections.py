#!/usr/bin/env python3
"""What one idle connection costs a running server.

  idle_connections.py PORT PID COUNT

Opens COUNT connections (each sends one PING and reads the reply), then
prints the growth of the server's RSS and of INFO used_memory, per
connection. Run it against mini-redis and redis-server alike (raise
`ulimit -n` above COUNT first). Bounded: COUNT connections, closed at exit.
"""
import socket, sys, time
port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"): return int(l.split()[1])
def used(s):
    s.sendall(b"INFO memory\r\n"); time.sleep(0.2); d=s.recv(100000).decode()
    return int(d.split("used_memory:")[1].split("\r")[0])
c=socket.create_connection(("127.0.0.1",port)); u0=used(c); r0=rss()
socks=[]
for i in range(n):
    s=socket.create_connection(("127.0.0.1",port)); s.sendall(b"PING\r\n"); s.recv(16); socks.append(s)
time.sleep(0.5)
print(f"port {port}: per idle connection RSS {(rss()-r0)*1024/n:.0f} B, used_memory {(used(c)-u0)/n:.0f} B")
