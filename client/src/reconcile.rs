//! Finding the orders that a money-spending call may have created when its outcome is unknown.

use chrono::{Duration, NaiveDate};
use futures_util::TryStreamExt;
use serde_json::Value;

use crate::error::{Error, SentRequest};
use crate::lenient::Lenient;
use crate::transport::PageStream;

/// The first day to list orders from: the API's day (from midnight at `utc_offset_seconds`,
/// the spec's `api.utc_offset`) before the one the call was sent on, so that an order the
/// server dated a little off still shows.
pub fn since_day(sent: &SentRequest, utc_offset_seconds: i32) -> NaiveDate {
    crate::days::day_of(sent.sent_at, utc_offset_seconds) - Duration::days(1)
}

/// Every item of `orders`, as JSON with every field kept.
pub async fn collect_json<T: Lenient>(orders: PageStream<T>) -> Result<Vec<Value>, Error> {
    orders
        .map_ok(|item| {
            let mut json = Vec::new();
            let mut serializer = serde_json::Serializer::new(&mut json);
            match item.serialize_lenient(&mut serializer) {
                Ok(()) => serde_json::from_slice(&json).unwrap_or(Value::Null),
                Err(_) => Value::Null,
            }
        })
        .try_collect()
        .await
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn sent_at(unix: i64) -> SentRequest {
        SentRequest {
            endpoint: "isp_ip_open",
            fields: Vec::new(),
            sent_at: Utc.timestamp_opt(unix, 0).unwrap(),
        }
    }

    #[test]
    fn the_first_day_is_the_apis_day_before_the_call() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2022-06-29 20:00 UTC is 2022-06-30 04:00 in UTC+8: the day before is the 29th.
        let evening = sent_at(1_656_532_800);
        assert_eq!(since_day(&evening, 8 * 3600), day(2022, 6, 29));
        assert_eq!(since_day(&evening, 0), day(2022, 6, 28));
        // 2022-06-30 10:00 UTC is the 30th in both.
        let morning = sent_at(1_656_583_200);
        assert_eq!(since_day(&morning, 8 * 3600), day(2022, 6, 29));
        assert_eq!(since_day(&morning, 0), day(2022, 6, 29));
    }
}
