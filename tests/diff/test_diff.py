"""One test per case in cases/*.txt: same script, both servers, same bytes."""
import pytest

import servers
from conftest import FILE_SERVER_ARGS
from harness import load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_replies_as_redis(case, request):
    # Most files share one pair of servers; a file that needs start-up
    # options (conftest.FILE_SERVER_ARGS) runs on a pair of its own.
    if case.file in FILE_SERVER_ARGS:
        reference_server, candidate_server = request.getfixturevalue("file_servers")(case.file)
    else:
        reference_server = request.getfixturevalue("reference_server")
        candidate_server = request.getfixturevalue("candidate_server")
    mismatches = run_case(case, reference_server.port, candidate_server.port, servers.RawClient)
    if mismatches:
        why = "".join(f"\n  # {w}" for w in case.why)
        pytest.fail(f"case {case.id} (cases/{case.file}.txt line {case.lineno}){why}\n"
                    + "\n".join(mismatches), pytrace=False)


def test_there_are_enough_cases():
    assert len(CASES) >= 300
