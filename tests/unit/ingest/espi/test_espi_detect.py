"""recognises(): strict, because every other format is tried on the same head."""

from __future__ import annotations

import pytest
from tests.unit.ingest.espi.feeds import GOOD_FEED_HEAD

from meter2cash.ingest.espi import recognises


def first_line(head: str) -> str:
    return next(line.strip() for line in head.splitlines() if line.strip())


@pytest.mark.parametrize(
    "head",
    [
        GOOD_FEED_HEAD,
        '<?xml version="1.0" encoding="UTF-8"?>\n<!-- licence -->\n'
        + GOOD_FEED_HEAD.split("\n", 1)[1],
        '\ufeff<?xml version="1.0"?><atom:feed xmlns:ns="http://naesb.org/espi" xmlns:atom="http://www.w3.org/2005/Atom">',
        '<entry xmlns="http://www.w3.org/2005/Atom"><content><UsagePoint xmlns="http://naesb.org/espi">',
        '<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory>',
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<espi:IntervalBlock xmlns:espi="http://naesb.org/espi">',
        # Cut inside the head: only the root element needs to be complete.
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><content><UsagePoint xmlns="http://naesb.org/espi"><Serv',
    ],
)
def test_espi_documents_are_recognised(head: str) -> None:
    assert recognises(first_line(head), head, "anything.bin")


@pytest.mark.parametrize(
    "head",
    [
        "100,NEM12,200506081149,UNITEDDP,NEMMCO\n200,NEM1201009,E1E2,1,E1,N1,01009,kWh,30,20050610\n",
        '{"supply_point_id": "x"}',
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>a blog</title></feed>',  # no ESPI
        "<html><body>http://naesb.org/espi</body></html>",  # mentions ESPI, is not ESPI
        '<feed xmlns:espi="http://naesb.org/espi"><entry/></feed>',  # feed outside the Atom namespace
        "UNB+UNOC:3+4012345000023:14+4012345000016:14+200101:1200+1'UNH+1+MSCONS:D:04B:UN:2.3'",
        "",
    ],
)
def test_other_content_is_not_espi(head: str) -> None:
    line = first_line(head) if head.strip() else ""
    assert not recognises(line, head, "greenbutton.xml")  # the name is not trusted
