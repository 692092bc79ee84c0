"""tagshim: a TCP shim that lets librdkafka < 2.2 talk to tansu.

tansu always sends KIP-482 tagged fields in its ApiVersions v3+ response; librdkafka before 2.2.0
skips tagged fields wrongly (CHANGELOG v2.2.0, PR #4278) and fails with "Read underflow". This shim
accepts on LISTEN_PORT, connects to the broker on BROKER_PORT (both on 127.0.0.1), and if the first
request of a connection is ApiVersions (api key 18) v3 or later, rewrites the first response so that
its top-level tagged-field section is empty. Everything else is copied unchanged, both ways.

Usage: python tagshim.py LISTEN_PORT BROKER_PORT [HOST]
"""

import asyncio
import signal
import struct
import sys

API_VERSIONS = 18
HOST = "127.0.0.1"


def read_uvarint(buf: bytes, pos: int) -> tuple[int, int]:
    """Reads an unsigned varint at pos; returns (value, next position). Raises IndexError if truncated."""
    value, shift = 0, 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 35:
            raise ValueError("varint too long")


def skip_tagged_fields(buf: bytes, pos: int) -> int:
    """Skips a tagged-field section (count, then tag/length/data per field); returns the next position."""
    count, pos = read_uvarint(buf, pos)
    for _ in range(count):
        _tag, pos = read_uvarint(buf, pos)
        size, pos = read_uvarint(buf, pos)
        pos += size
    return pos


def strip_api_versions_tags(body: bytes) -> bytes:
    """Rewrites an ApiVersions v3+ response body (after the size prefix) to end with zero tagged fields.

    Layout: correlation_id int32 | error_code int16 | api_keys compact array of
    (key int16, min int16, max int16, tagged fields) | throttle_time_ms int32 | tagged fields.
    Returns the body unchanged if it cannot be parsed.
    """
    try:
        pos = 4 + 2
        count_plus_one, pos = read_uvarint(body, pos)
        for _ in range(max(count_plus_one - 1, 0)):
            pos += 6
            pos = skip_tagged_fields(body, pos)
        pos += 4  # throttle_time_ms
        if pos > len(body):
            return body
        return body[:pos] + b"\x00"
    except (IndexError, ValueError):
        return body


async def copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copies bytes until end-of-file, then half-closes the other side."""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001 - closing a dead socket is fine
            pass


async def read_frame(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """Reads one size-prefixed Kafka frame; returns (size prefix, body)."""
    prefix = await reader.readexactly(4)
    (size,) = struct.unpack(">i", prefix)
    body = await reader.readexactly(size)
    return prefix, body


async def handle(client_reader, client_writer, broker_port: int) -> None:
    try:
        broker_reader, broker_writer = await asyncio.open_connection(HOST, broker_port)
    except OSError:
        client_writer.close()
        return
    try:
        prefix, request = await read_frame(client_reader)
        broker_writer.write(prefix + request)
        await broker_writer.drain()
        api_key, api_version = struct.unpack(">hh", request[:4]) if len(request) >= 4 else (-1, -1)
        upstream = asyncio.create_task(copy(client_reader, broker_writer))
        if api_key == API_VERSIONS and api_version >= 3:
            _, response = await read_frame(broker_reader)
            rewritten = strip_api_versions_tags(response)
            client_writer.write(struct.pack(">i", len(rewritten)) + rewritten)
            await client_writer.drain()
        await copy(broker_reader, client_writer)
        await upstream
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        for w in (client_writer, broker_writer):
            try:
                w.close()
            except Exception:  # noqa: BLE001
                pass


async def main() -> None:
    listen_port, broker_port = int(sys.argv[1]), int(sys.argv[2])
    host = sys.argv[3] if len(sys.argv) > 3 else HOST
    server = await asyncio.start_server(lambda r, w: handle(r, w, broker_port), host, listen_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"tagshim: {host}:{listen_port} -> {HOST}:{broker_port}", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main())
