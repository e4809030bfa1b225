from bot.testing import Harness

WORKER, PERSON = 501, 701


async def test_smoke(harness: Harness) -> None:
    await harness.linked_worker(WORKER)
    token = await harness.invite(WORKER, "Alex")
    await harness.join(PERSON, token)
    print(harness.texts(PERSON))
    print(harness.texts(WORKER))
    report = await harness.advance(days=7)
    print(report, harness.texts(PERSON)[-1])
