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
