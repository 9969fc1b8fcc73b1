#pragma once
// The one `format` simmer's schema validator implements: RFC 3339 `date-time`.

#include <string_view>

namespace simmer::schema::detail {

// True when `text` is an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, with "T" and "Z" in either
// case, a real calendar day (leap years included) and a leap second (":60") only where the UTC time is 23:59.
// An empty string is not a date-time.
bool is_rfc3339_date_time(std::string_view text);

}  // namespace simmer::schema::detail
