# SPDX-License-Identifier: EUPL-1.2
"""A tiny SMTP server for the tests (standard library; smtpd is gone from Python 3.12).

It speaks just enough RFC 5321 for libcurl: EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; it offers no STARTTLS, so smtp:// URLs stay in plain text.
`refuse` answers that many messages with 451 after their DATA, so the test
sees what a relay's temporary failure does; `lose` accepts that many and
hangs up instead of answering (the answer is lost).  Accepted messages are
kept in `messages` as (envelope sender, recipients, bytes).
"""
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        sender, rcpts = None, []
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            cmd = line.decode("ascii", "replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-sink" if verb == "EHLO" else "250 sink")
                if verb == "EHLO":
                    self.reply("250 8BITMIME")
            elif verb == "MAIL":
                sender, rcpts = cmd[10:].strip(), []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpts.append(cmd[8:].strip())
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                if not self.data(sink, sender, rcpts):
                    return
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 ok")
            elif verb == "NOOP":
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("500 unknown command")

    def data(self, sink, sender, rcpts):
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line or line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        with sink.lock:
            sink.attempts += 1
            refuse = sink.refuse > 0
            lose = not refuse and sink.lose > 0
            if refuse:
                sink.refuse -= 1
            else:
                sink.messages.append((sender, list(rcpts), b"".join(lines)))
            if lose:
                sink.lose -= 1
        if lose:
            return False  # hang up: the client never learns that the mail was taken
        self.reply("451 try again later" if refuse else "250 queued")
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self, refuse=0):
        self.lock = threading.Lock()
        self.lose = 0
        self.messages = []
        self.attempts = 0
        self.refuse = refuse
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def received(self):
        with self.lock:
            return list(self.messages)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
