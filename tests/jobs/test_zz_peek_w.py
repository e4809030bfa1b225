from tests.jobs.test_digests import *  # noqa
from tests.jobs.test_digests import _new, _tick_at, FILLER

async def test_peek(h, mail):
    await h.join(ALEX, await h.invite(SAM, "Alex Smith"))
    long = "Dear Sam. " + FILLER * 11 + "I want to kill myself. " + FILLER * 11 + "Bye."
    h.clock.set(at(0, 8))
    await h.say(ALEX, long)
    shown = len(h.messages(SAM))
    await _tick_at(h, at(0, 9))
    for m in _new(h, SAM, shown):
        print(m["text"]); print("----")
