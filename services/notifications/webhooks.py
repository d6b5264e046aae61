"""Posting to group robots: 企业微信 and 钉钉 webhooks (public or a private deployment's intranet
address), 钉钉's request signature, and the JSON bodies each robot takes.

Both robots answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}` when they accepted a message;
anything else (another status, a non-zero errcode such as 45009 / 130101 "too fast", a timeout, a
refused connection) is a `SendFailed` that the delivery job retries later.
"""
import base64
import hashlib
import hmac
import json
import socket
import ssl
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus

from models.enums import DeliveryChannel, RobotFormat

#: How much of an answer is read (the robots answer a few dozen bytes).
ANSWER_LIMIT = 65536


class SendFailed(Exception):
    """A message that did not go through; the text says why (status, errcode or network error)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot never redirects: a redirect is an error, not a second POST somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature: Base64(HMAC-SHA256(key=secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook URL with 钉钉's `timestamp` (milliseconds) and `sign` query parameters; the URL
    as it is when there is no secret (a robot secured by keywords or IP ranges instead)."""
    if not secret:
        return url
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def payload(provider: DeliveryChannel, fmt: RobotFormat, subject: str, text: str,
            link: str) -> dict:
    """The JSON body of one message for that robot (`msgtype` markdown or text)."""
    if fmt == RobotFormat.TEXT:
        content = "\n".join(part for part in (f"【科协代表之家】{subject}", text,
                                              f"详情：{link}" if link else "") if part)
        return {"msgtype": "text", "text": {"content": content}}
    more = f"\n\n[查看详情]({link})" if link else ""
    if provider == DeliveryChannel.DINGTALK:
        return {"msgtype": "markdown", "markdown": {
            "title": f"科协代表之家：{subject}",
            "text": f"#### 科协代表之家：{subject}\n\n{text}{more}"}}
    return {"msgtype": "markdown", "markdown": {
        "content": f"**科协代表之家：{subject}**\n{text}{more}"}}


def network_reason(exc: BaseException) -> str:
    """A failed connection in Chinese for the channel page: 无法解析地址, 连接超时, 连接被拒绝,
    加密连接（证书）错误, or 网络连接失败 for anything else (the exception class in brackets)."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.gaierror):
        return "无法解析地址（域名不存在或服务器无法访问 DNS）"
    if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
        return "连接超时（对方未在规定时间内应答）"
    if isinstance(reason, ConnectionRefusedError):
        return "连接被拒绝（对方端口未开放）"
    if isinstance(reason, ConnectionResetError):
        return "连接被对方中断"
    if isinstance(reason, ssl.SSLError):
        return "加密连接（证书）错误"
    return f"网络连接失败（{type(reason).__name__}）"


def post(url: str, body: dict, timeout: float) -> None:
    """POST `body` as UTF-8 JSON; returns when the robot accepted it, else raises SendFailed."""
    if not url.lower().startswith(("http://", "https://")):
        raise SendFailed("Webhook 地址不是 http(s) 地址")
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310 (checked above)
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "RepHome"})
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, raw = response.status, response.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as exc:
        raise SendFailed(f"对方返回错误 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendFailed(network_reason(exc)) from None
    if status != 200:
        raise SendFailed(f"对方返回错误 HTTP {status}")
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise SendFailed("对方的应答不是 JSON（地址可能不是机器人的 Webhook）") from None
    code = answer.get("errcode", 0) if isinstance(answer, dict) else None
    if code != 0:
        message = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise SendFailed(f"机器人拒收（错误码 {code}：{message}）"[:500])
