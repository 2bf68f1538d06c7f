"""Which channel an IntervalBlock belongs to, whatever the layout: linked feed entries in any
order, resources nested in each other or side by side in one entry, prefixes or default namespaces."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.unit.ingest.espi.feeds import (
    BASE,
    LTP,
    MR,
    RT,
    UP,
    entry,
    epoch,
    feed,
    hourly,
    interval_block,
    line_of,
    local_time,
    parsed,
    reading_type,
    standard_feed,
    usage_point,
)

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Rejection

JAN1 = epoch(2020, 1, 1, 8)  # 2020-01-01 00:00 PST
JAN1_UTC = epoch(2020, 1, 1)  # for documents without LocalTimeParameters: UTC days
DAY = list(range(100, 124))


def keys(items: list) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    """What a day says, without where in the file it was."""
    return [(d.identity_key, d.content_key, d.zone) for d in items]


def as_day(item: object) -> ChannelDay:
    assert isinstance(item, ChannelDay), item
    return item


def only_day(items: list) -> ChannelDay:  # type: ignore[type-arg]
    (day,) = items
    assert isinstance(day, ChannelDay), day
    return day


def test_standard_feed_gives_a_channel_day_named_from_its_links() -> None:
    day = only_day(parsed(standard_feed(interval_block(hourly(JAN1, DAY)))))
    assert day.supply_point_id == "RetailCustomer/9/UsagePoint/1"
    assert day.channel == "fwd-wh-01"
    assert day.direction is Direction.IMPORT
    assert day.zone == "America/Los_Angeles"
    assert day.read_on == date(2020, 1, 1)
    assert day.values == tuple(Decimal(v).scaleb(-3) for v in DAY)
    assert day.complete


def test_reading_type_after_the_blocks_changes_nothing() -> None:
    block = interval_block(hourly(JAN1, DAY))
    assert keys(parsed(standard_feed(block, rt_last=True))) == keys(parsed(standard_feed(block)))


def test_links_after_the_content_and_relative_hrefs() -> None:
    # As the "ThirdPartyX Batch Feed" writes them: relative hrefs, links after <content>.
    def late(content: str, *hrefs: tuple[str, str]) -> str:
        links = "".join(f'<link href="{href}" rel="{rel}"/>' for rel, href in hrefs)
        return f"<entry><content>{content}</content>{links}</entry>"

    data = feed(
        late(
            interval_block(hourly(JAN1, DAY)),
            ("self", "User/7/UsagePoint/01/MeterReading/01/IntervalBlock/1"),
            ("up", "User/7/UsagePoint/01/MeterReading/01/IntervalBlock"),
        ),
        late(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            ("self", "User/7/UsagePoint/01/MeterReading/01"),
            ("up", "User/7/UsagePoint/01/MeterReading"),
            ("related", "ReadingType/07"),
        ),
        late(
            usage_point(),
            ("self", "User/7/UsagePoint/01"),
            ("related", "User/7/UsagePoint/01/MeterReading"),
            ("related", "LocalTimeParameters/01"),
        ),
        late(reading_type(), ("self", "ReadingType/07")),
        late(local_time(), ("self", "LocalTimeParameters/01")),
    )
    day = only_day(parsed(data))
    assert day.supply_point_id == "User/7/UsagePoint/01"
    assert day.zone == "America/Los_Angeles"


def test_absolute_and_relative_hrefs_to_one_resource_match() -> None:
    data = feed(
        entry(usage_point(), self=UP, related=[f"{UP}/MeterReading"]),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=MR,
            up=f"{UP}/MeterReading",
            related=["ReadingType/07"],
        ),
        entry(reading_type(), self=RT),
        entry(
            interval_block(hourly(JAN1_UTC, DAY)),
            self=f"{MR}/IntervalBlock/1",
            up=f"{MR}/IntervalBlock",
        ),
    )
    day = only_day(parsed(data))
    assert day.zone == "UTC"  # no LocalTimeParameters at all
    assert day.read_on == date(2020, 1, 1) and day.values[0] == Decimal("0.100")


def test_prefixed_namespaces_are_read_like_default_ones() -> None:
    default = standard_feed(interval_block(hourly(JAN1, DAY)))
    prefixed = (
        default.decode()
        .replace(
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">',
            '<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:e="http://naesb.org/espi">',
        )
        .replace(' xmlns="http://naesb.org/espi"', "")
    )
    for tag in ("feed", "entry", "id", "title", "link", "content"):
        prefixed = prefixed.replace(f"<{tag}", f"<a:{tag}").replace(f"</{tag}>", f"</a:{tag}>")
    for tag in (
        "UsagePoint",
        "ServiceCategory",
        "kind",
        "LocalTimeParameters",
        "tzOffset",
        "dstOffset",
        "dstStartRule",
        "dstEndRule",
        "MeterReading",
        "ReadingType",
        "accumulationBehaviour",
        "commodity",
        "flowDirection",
        "intervalLength",
        "powerOfTenMultiplier",
        "uom",
        "IntervalBlock",
        "IntervalReading",
        "timePeriod",
        "duration",
        "start",
        "value",
    ):
        prefixed = (
            prefixed.replace(f"<{tag}>", f"<e:{tag}>")
            .replace(f"<{tag} ", f"<e:{tag} ")
            .replace(f"<{tag}/>", f"<e:{tag}/>")
            .replace(f"</{tag}>", f"</e:{tag}>")
        )
    assert "<IntervalReading" not in prefixed and "<e:IntervalReading>" in prefixed
    assert parsed(prefixed.encode()) == parsed(default)  # same lines too: only prefixes changed


def test_elements_outside_the_espi_namespace_are_not_espi() -> None:
    data = standard_feed(interval_block(hourly(JAN1, DAY))).replace(
        b"http://naesb.org/espi", b"urn:other"
    )
    (rejection,) = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "NO_DATA"


def test_containerized_resources_nested_in_one_entry() -> None:
    content = f"""<UsagePoint xmlns="http://naesb.org/espi">
        {local_time(tzOffset="-18000")}
        <MeterReading>
          {reading_type(uom=73, flowDirection=19)}
          {interval_block(hourly(epoch(2020, 1, 1, 5), DAY))}
        </MeterReading>
      </UsagePoint>"""
    data = feed(entry(content, self=f"{BASE}/RetailCustomer/4/UsagePoint/5"))
    day = only_day(parsed(data))
    assert day.supply_point_id == "RetailCustomer/4/UsagePoint/5"
    assert day.zone == "America/New_York"
    assert day.unit is Unit.KVARH and day.direction is Direction.REACTIVE_EXPORT
    assert day.channel.startswith("rev-varh-mr")


def test_containerized_resources_side_by_side_in_one_entry() -> None:
    content = "\n".join(
        [
            usage_point(),
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            interval_block(hourly(JAN1, DAY[:12])),
            interval_block(hourly(JAN1 + 12 * 3600, DAY[12:])),
            reading_type(),
            local_time(),
        ]
    )
    data = feed(entry(content, self=f"{BASE}/RetailCustomer/4/UsagePoint/5"))
    day = only_day(parsed(data))
    assert day.complete and day.values == tuple(Decimal(v).scaleb(-3) for v in DAY)
    assert day.zone == "America/Los_Angeles"


def test_atom_entry_as_the_root() -> None:
    content = f"""<UsagePoint xmlns="http://naesb.org/espi"><MeterReading>{reading_type()}
        {interval_block(hourly(JAN1_UTC, DAY))}</MeterReading></UsagePoint>"""
    data = f"""<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:abc</id>
      <link rel="self" href="/espi/1_1/resource/Subscription/3/UsagePoint/7"/>
      <content>{content}</content></entry>""".encode()
    day = only_day(parsed(data))
    assert day.supply_point_id == "Subscription/3/UsagePoint/7"
    assert day.zone == "UTC"


def test_usage_point_without_a_self_link_is_named_by_its_entry_id() -> None:
    content = f"""<UsagePoint xmlns="http://naesb.org/espi"><MeterReading>{reading_type()}
        {interval_block(hourly(JAN1_UTC, DAY))}</MeterReading></UsagePoint>"""
    data = feed(entry(content))
    day = only_day(parsed(data))
    assert day.supply_point_id.startswith("urn:uuid:")


def test_bare_resource_document_has_no_supply_point_to_name() -> None:
    data = f"""<?xml version="1.0"?>
<UsagePoint xmlns="http://naesb.org/espi">
  <MeterReading>{reading_type()}
  {interval_block(hourly(JAN1, DAY))}
  </MeterReading>
</UsagePoint>""".encode()
    (rejection,) = parsed(data)
    assert isinstance(rejection, Rejection)
    assert rejection.reason_code == "UNRESOLVED_USAGE_POINT"
    assert "neither a self link nor an entry id" in rejection.message
    assert rejection.source.line == line_of(data, "<IntervalBlock")


def test_two_usage_points_and_channels_are_kept_apart() -> None:
    up2, mr2, rt2 = (
        f"{BASE}/RetailCustomer/10/UsagePoint/1",
        f"{BASE}/RetailCustomer/10/UsagePoint/1/MeterReading/01",
        f"{BASE}/ReadingType/19",
    )
    data = feed(
        entry(usage_point(), self=UP, related=[f"{UP}/MeterReading", LTP]),
        entry(usage_point(), self=up2, related=[f"{up2}/MeterReading", LTP]),
        entry(local_time(), self=LTP),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=MR,
            up=f"{UP}/MeterReading",
            related=[RT],
        ),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=mr2,
            up=f"{up2}/MeterReading",
            related=[rt2],
        ),
        entry(reading_type(), self=RT),
        entry(reading_type(flowDirection=19), self=rt2),
        entry(
            interval_block(hourly(JAN1, DAY)),
            self=f"{MR}/IntervalBlock/1",
            up=f"{MR}/IntervalBlock",
        ),
        entry(
            interval_block(hourly(JAN1, [v * 2 for v in DAY])),
            self=f"{mr2}/IntervalBlock/1",
            up=f"{mr2}/IntervalBlock",
        ),
    )
    days = {(d.supply_point_id, d.channel): d for d in map(as_day, parsed(data))}
    assert set(days) == {
        ("RetailCustomer/9/UsagePoint/1", "fwd-wh-01"),
        ("RetailCustomer/10/UsagePoint/1", "rev-wh-01"),
    }
    assert days["RetailCustomer/10/UsagePoint/1", "rev-wh-01"].direction is Direction.EXPORT
    assert days["RetailCustomer/10/UsagePoint/1", "rev-wh-01"].values[0] == Decimal("0.200")


def test_the_only_local_time_parameters_apply_when_not_linked() -> None:
    data = feed(
        entry(usage_point(), self=UP, related=[f"{UP}/MeterReading"]),
        entry(local_time(tzOffset="-18000"), self=LTP),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=MR,
            up=f"{UP}/MeterReading",
            related=[RT],
        ),
        entry(reading_type(), self=RT),
        entry(interval_block(hourly(epoch(2020, 1, 1, 5), DAY)), up=f"{MR}/IntervalBlock"),
    )
    assert only_day(parsed(data)).zone == "America/New_York"


def test_block_found_through_its_own_self_href_when_up_is_missing() -> None:
    # The Opower batch feed: no up links; the UsagePoint's related names the MeterReading itself.
    data = feed(
        entry(
            usage_point(),
            self="/v1/BillingAccount/5/UsagePoint/NET",
            related=["/v1/User/5/UsagePoint/NET/MeterReading/1"],
        ),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self="/v1/User/5/UsagePoint/NET/MeterReading/1",
            related=[
                "/v1/ReadingType/0",
                "/v1/User/5/UsagePoint/NET/MeterReading/1/IntervalBlock/1",
            ],
        ),
        entry(reading_type(), self="/v1/ReadingType/0"),
        entry(
            interval_block(hourly(JAN1_UTC, DAY)),
            self="/v1/User/5/UsagePoint/NET/MeterReading/1/IntervalBlock/1",
        ),
    )
    day = only_day(parsed(data))
    assert day.supply_point_id == "BillingAccount/5/UsagePoint/NET"
    assert day.channel == "fwd-wh-1"
