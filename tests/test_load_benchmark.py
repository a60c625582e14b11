"""benchmarks/load: the targets it prints (issue 9) and its reading of /proc/stat."""

from benchmarks.load.__main__ import CpuSampler, report


def row(name, requests=100, errors=0, median=20, p95=100):
    return {
        "Name": name,
        "Request Count": str(requests),
        "Failure Count": str(errors),
        "Median Response Time": str(median),
        "95%": str(p95),
        "Requests/s": "10.5",
    }


def test_twenty_users_every_page_under_150_ms_but_the_login_post_under_400(capsys):
    rows = [row("office 驾驶舱", p95=140), row("login POST", p95=390), row("office 佐证材料", p95=160)]
    missed = report(20, [*rows, row("Aggregated", p95=300)], 90, (55.0, 90.0))
    assert missed == ["20 users: office 佐证材料 p95 160 ms, 0 errors"]
    printed = capsys.readouterr().out
    assert "CPU 55 % average" in printed and "90 % in the busiest second" in printed
    assert "p95 < 400 ms, 0 errors: PASS" in printed and "p95 < 150 ms, 0 errors: FAIL" in printed


def test_twenty_users_no_error_allowed():
    assert report(20, [row("office 驾驶舱", errors=1), row("Aggregated", errors=1)], 90, (0, 0)) == [
        "20 users: office 驾驶舱 p95 100 ms, 1 errors"
    ]


def test_fifty_users_only_the_overall_p95_and_errors_count():
    assert report(50, [row("office 佐证材料", p95=900), row("Aggregated", p95=450)], 90, (0, 0)) == []
    assert report(50, [row("office 佐证材料", p95=900), row("Aggregated", p95=600)], 90, (0, 0)) == [
        "50 users: overall p95 600 ms, 0 errors"
    ]


def test_cpu_sampler_reads_a_busy_share():
    sampler = CpuSampler()
    sampler.start()
    sum(i * i for i in range(2_000_000))  # keep one core busy a little
    average, busiest = sampler.stop()
    assert 0 <= average <= 100 and 0 <= busiest <= 100
