/* timefmt.c: ISO-8601 parsing and UTC formatting, without the locale or TZ. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "timefmt.h"

static int digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m) {
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int spoor__iso8601_parse(const char *s, int64_t *out_ms) {
    if (!s) return -1;
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return -1;
    int offset_min = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi)) return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec)) return -1;
            if (*p == '.' || *p == ',') {
                p++;
                int n = 0, scale = 100;
                while (isdigit((unsigned char)*p)) {
                    if (n < 3) ms += (*p - '0') * scale, scale /= 10;
                    n++, p++;
                }
                if (n == 0) return -1;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) return -1;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&p, 2, &oh)) return -1;
            if (*p == ':') p++;
            if (isdigit((unsigned char)*p) && digits(&p, 2, &om)) return -1;
            if (oh > 23 || om > 59) return -1;
            offset_min = sign * (oh * 60 + om);
        }
    }
    if (*p) return -1;
    int64_t days = days_from_civil(y, mo, d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - (int64_t)offset_min * 60;
    *out_ms = secs * 1000 + ms;
    return 0;
}

void spoor__iso8601_format(int64_t ms, char out[SPOOR_ISO_LEN]) {
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int millis = (int)(ms - secs * 1000);
    /* Events come many to the second: each thread keeps the last second's text. */
    static __thread int64_t last_secs = INT64_MIN;
    static __thread char last[SPOOR_ISO_LEN];
    if (secs == last_secs) {
        memcpy(out, last, SPOOR_ISO_LEN);
        for (int i = 22; i >= 20; i--, millis /= 10) out[i] = (char)('0' + millis % 10);
        return;
    }
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    /* civil_from_days */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    y += m <= 2;
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    /* By hand, not snprintf: this runs for every event. */
    int fields[7] = {(int)y, m, d, (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60), millis};
    static const char layout[] = "0000-00-00T00:00:00.000Z";
    static const int widths[7] = {4, 2, 2, 2, 2, 2, 3}, starts[7] = {0, 5, 8, 11, 14, 17, 20};
    memcpy(out, layout, SPOOR_ISO_LEN - 1);
    for (int f = 0; f < 7; f++)
        for (int i = widths[f] - 1, v = fields[f]; i >= 0; i--, v /= 10) out[starts[f] + i] = (char)('0' + v % 10);
    out[SPOOR_ISO_LEN - 1] = '\0';
    memcpy(last, out, SPOOR_ISO_LEN);
    last_secs = secs;
}
