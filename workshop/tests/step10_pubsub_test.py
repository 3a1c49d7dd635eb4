"""Workshop step 10 (extension): Pub/Sub, a message to another connection.

What you wrote: Connection::push in workshop/src/server/connection.cpp (a message
for a subscriber is appended to *its* output and a write is queued, since
that client sends nothing that would make the server write to it) and the
pattern part of PubSub::publish in workshop/src/pubsub/pubsub.cpp (PSUBSCRIBE's
pmessage, and the count PUBLISH replies). The registry (who listens to what)
and SUBSCRIBE are given. These tests start your server and use several
connections at once: one subscribes, another publishes, and the first must
receive the exact RESP frame.
"""
import pytest

from conftest import StepClient, resp


def message(channel, text):
    """The frame a SUBSCRIBE client receives: a 3-element array."""
    return b"*3\r\n$7\r\nmessage\r\n" + bulk(channel) + bulk(text)


def pmessage(pattern, channel, text):
    """The frame a PSUBSCRIBE client receives: a 4-element array."""
    return b"*4\r\n$8\r\npmessage\r\n" + bulk(pattern) + bulk(channel) + bulk(text)


def bulk(text):
    data = text if isinstance(text, bytes) else text.encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


def subscribed(kind, name, count):
    """SUBSCRIBE's (or PSUBSCRIBE's) reply: [kind, name, how many it listens to]."""
    return b"*3\r\n" + bulk(kind) + bulk(name) + b":%d\r\n" % count


@pytest.fixture
def clients(server):
    made = []

    def make():
        c = StepClient(server.port)
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


def expect_nothing_before_pong(subscriber, what):
    """A subscribed client's PING answers [pong, ""]: the next frame must be
    that, not a message that should not have come."""
    subscriber.send(resp("PING"))
    got = subscriber.read_reply()
    assert got == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n", (
        f"{what}: the subscriber should receive nothing before the reply to its PING, but "
        f"received {got!r}")


def test_a_subscriber_receives_what_another_client_publishes(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    publisher.expect(["PUBLISH", "news", "hello"], b":1\r\n")
    subscriber.expect_reply(message("news", "hello"), sent=b"(another client: PUBLISH news hello)")


def test_publish_answers_how_many_received_it(clients):
    first, second, publisher = clients(), clients(), clients()
    first.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    second.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    publisher.expect(["PUBLISH", "news", "hi"], b":2\r\n")
    first.expect_reply(message("news", "hi"), sent=b"(another client: PUBLISH news hi)")
    second.expect_reply(message("news", "hi"), sent=b"(another client: PUBLISH news hi)")


def test_a_channel_nobody_listens_to_gives_zero(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    publisher.expect(["PUBLISH", "sports", "goal"], b":0\r\n")
    expect_nothing_before_pong(subscriber, "PUBLISH sports went to nobody")


def test_no_delivery_after_unsubscribe(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    subscriber.expect(["UNSUBSCRIBE", "news"], subscribed("unsubscribe", "news", 0))
    publisher.expect(["PUBLISH", "news", "late"], b":0\r\n")
    # No longer subscribed: PING answers +PONG again, and nothing comes before it.
    subscriber.expect(["PING"], b"+PONG\r\n")


def test_messages_arrive_whole_and_in_order(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    burst = b"".join(resp("PUBLISH", "news", f"message {i}") for i in range(5))
    publisher.send(burst)  # five PUBLISHes in one write: one turn of the server's loop
    for _ in range(5):
        publisher.expect_reply(b":1\r\n", sent=burst)
    for i in range(5):
        subscriber.expect_reply(message("news", f"message {i}"),
                                sent=b"(another client: 5 PUBLISH news in one write)")


def test_a_pattern_subscriber_receives_pmessage(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["PSUBSCRIBE", "n*"], subscribed("psubscribe", "n*", 1))
    publisher.expect(["PUBLISH", "news", "hi"], b":1\r\n")
    subscriber.expect_reply(pmessage("n*", "news", "hi"),
                            sent=b"(another client: PUBLISH news hi)")
    publisher.expect(["PUBLISH", "nature", "tree"], b":1\r\n")
    subscriber.expect_reply(pmessage("n*", "nature", "tree"),
                            sent=b"(another client: PUBLISH nature tree)")


def test_each_subscriber_of_a_pattern_counts(clients):
    first, second, publisher = clients(), clients(), clients()
    first.expect(["PSUBSCRIBE", "n*"], subscribed("psubscribe", "n*", 1))
    second.expect(["PSUBSCRIBE", "n*"], subscribed("psubscribe", "n*", 1))
    publisher.expect(["PUBLISH", "news", "hi"], b":2\r\n")
    first.expect_reply(pmessage("n*", "news", "hi"), sent=b"(another client: PUBLISH news hi)")
    second.expect_reply(pmessage("n*", "news", "hi"), sent=b"(another client: PUBLISH news hi)")


def test_a_pattern_that_does_not_match_gets_nothing(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["PSUBSCRIBE", "s*"], subscribed("psubscribe", "s*", 1))
    publisher.expect(["PUBLISH", "news", "hi"], b":0\r\n")
    expect_nothing_before_pong(subscriber, "s* does not match news")


def test_a_channel_and_a_matching_pattern_deliver_twice(clients):
    subscriber, publisher = clients(), clients()
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    subscriber.expect(["PSUBSCRIBE", "n*"], subscribed("psubscribe", "n*", 2))
    publisher.expect(["PUBLISH", "news", "hi"], b":2\r\n")
    subscriber.expect_reply(message("news", "hi"), sent=b"(another client: PUBLISH news hi)")
    subscriber.expect_reply(pmessage("n*", "news", "hi"), sent=b"(another client: PUBLISH news hi)")
    expect_nothing_before_pong(subscriber, "one message and one pmessage, nothing more")


def test_a_subscriber_that_does_not_read_is_disconnected(clients):
    subscriber, publisher = clients(), clients()
    publisher.expect(["CONFIG", "SET", "client-output-buffer-limit", "pubsub 1000 0 0"],
                     b"+OK\r\n")
    subscriber.expect(["SUBSCRIBE", "news"], subscribed("subscribe", "news", 1))
    publisher.expect(["PUBLISH", "news", "x" * 50_000], b":1\r\n")
    assert subscriber.closed_by_peer(timeout=3) and subscriber.buffer == b"", (
        "a 50000-byte message for a subscriber whose limit is 1000 bytes: the server drops it "
        "and closes that client (within_output_limits() answered false: return), but the "
        f"subscriber received {len(subscriber.buffer)} bytes"
        + ("" if subscriber.buffer else " and its connection stayed open"))
