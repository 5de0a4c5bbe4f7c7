"""Hypothesis strategies shared by the tests of the field parsers."""

from hypothesis import strategies as st


def dms_texts(axis: str):
    """MCPD LATITUDE ("lat") or LONGITUDE ("lon") texts: canonical-looking ones with minutes and
    seconds out of range, unknown parts or wrong hemispheres, and arbitrary short texts."""
    digits, limit = (2, 90) if axis == "lat" else (3, 180)
    part = st.sampled_from(["--", "60", "61", "99"]) | st.integers(0, 59).map("{:02d}".format)
    canonical = st.builds(
        lambda degrees, minutes, seconds, hemisphere: (
            f"{degrees:0{digits}d}" + minutes + seconds + hemisphere
        ),
        st.integers(0, 10**digits - 1) | st.sampled_from([0, limit - 1, limit, limit + 1]),
        part,
        part,
        st.sampled_from("NSEWnsX"),
    )
    return canonical | st.text(alphabet="0123456789-NSEWns °", max_size=9)
