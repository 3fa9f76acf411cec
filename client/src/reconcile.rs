//! Finding the orders that a money-spending call may have created when its outcome is unknown.

use chrono::{Duration, NaiveDate};
use futures_util::TryStreamExt;
use serde_json::Value;

use crate::error::{Error, SentRequest};
use crate::lenient::Lenient;
use crate::transport::PageStream;

/// The first day to list orders from: the day before the call was sent, in UTC, so that a
/// server keeping dates in another time zone (the vendor's is UTC+8) still lists the order.
pub fn since_day(sent: &SentRequest) -> NaiveDate {
    (sent.sent_at - Duration::days(1)).date_naive()
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
