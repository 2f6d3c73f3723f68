"""Sends a large request body over a raw socket, stopping as soon as the server answers.

A server may reject an oversize body (413) before reading it all and then close the connection;
an HTTP library that insists on writing the whole body first would then see a reset instead of
the answer. Here we watch for the response between chunks.
"""
from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def _read_response(sock: socket.socket) -> bytes:
    buf = b""
    want = None
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        buf += chunk
        if want is None and b"\r\n\r\n" in buf:
            head, _, _ = buf.partition(b"\r\n\r\n")
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    want = len(head) + 4 + int(value.strip())
            if want is None:
                want = -1  # no length: read until close
        if want is not None and want >= 0 and len(buf) >= want:
            break
    return buf


def post_stream(host: str, port: int, path: str, headers: dict[str, str],
                chunks: Iterable[bytes], content_length: int,
                source_ip: str = "127.0.0.1", timeout: float = 60) -> RawResponse:
    sock = socket.create_connection((host, port), timeout=timeout, source_address=(source_ip, 0))
    try:
        head = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}",
                f"Content-Length: {content_length}", "Connection: close"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for chunk in chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break  # the server answered early
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        raw = _read_response(sock)
    finally:
        sock.close()
    assert raw, "the server closed the connection without any HTTP response"
    head, _, payload = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        hdrs[name.strip().lower()] = value.strip()
    return RawResponse(status, hdrs, payload)


def multipart_file_chunks(boundary: str, filename: str, mime: str, size: int,
                          chunk: int = 1 << 20) -> tuple[list[bytes] | Iterable[bytes], int]:
    """A multipart/form-data body with one part "file" of `size` zero bytes, streamed."""
    pre = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n").encode()
    post = f"\r\n--{boundary}--\r\n".encode()

    def gen():
        yield pre
        left = size
        block = b"\0" * chunk
        while left > 0:
            n = min(chunk, left)
            yield block[:n]
            left -= n
        yield post

    return gen(), len(pre) + size + len(post)
