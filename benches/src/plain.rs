//! The hand-written baseline: what a careful engineer writes for `flow_order_list` without a
//! generator.
//!
//! Plain strict `#[derive(Deserialize)]` types with the same fields as the generated ones and no
//! leniency: numbers where the vendor sends numbers, `String` where it sends strings (so the
//! money, the string timestamps and `exec_data` stay text), `Option` where it sends `null`. They
//! decode the vendor's example and nothing that drifts from it.

use serde::Deserialize;

/// The response envelope, decoded in one pass with its data.
#[derive(Debug, Deserialize)]
pub struct PlainEnvelope<T> {
    /// Status, `0` on success.
    pub ret: i64,
    /// Code, as the vendor sends it (`"1"`).
    pub code: Option<String>,
    /// Message.
    pub msg: String,
    /// The data.
    pub ret_data: T,
    /// Server time, unix seconds.
    pub timestamp: Option<i64>,
}

/// One page of flow orders.
#[derive(Debug, Deserialize)]
pub struct PlainFlowOrderPage {
    /// Number of items in all pages.
    pub total: u64,
    /// Page size; the vendor sends it as a string.
    pub per_page: String,
    /// This page's number.
    pub current_page: u64,
    /// The last page's number.
    pub last_page: u64,
    /// The items.
    pub data: Vec<PlainFlowOrder>,
}

/// A flow order, field for field as in the vendor's example record.
#[derive(Debug, Deserialize)]
#[allow(missing_docs)]
pub struct PlainFlowOrder {
    pub recharge_id: u64,
    pub recharge_type: i32,
    pub uid: u64,
    pub order_id: String,
    pub money: String,
    pub client_type: i32,
    pub pay_type: String,
    pub pay_status: i32,
    pub description: String,
    pub exec_data: String,
    pub created_at: String,
    pub updated_at: String,
    pub close_time: Option<String>,
    pub pay_time: Option<i64>,
    pub back_coin: i64,
    pub coin: i64,
    pub back_expire_time: i64,
    pub mark: Option<String>,
    pub creat_admin_id: Option<String>,
    pub check_status: String,
    pub check_admin_id: Option<String>,
    pub old_balance: i64,
    pub new_balance: i64,
    pub sign_id: i64,
    pub sign_time: Option<i64>,
    pub status: i32,
    pub creat_admin: String,
    pub check_admin: Option<String>,
    pub have_in_account: i32,
    pub pay_account: String,
    pub pay_sn: String,
    pub give_orderid: Option<String>,
    pub worn: String,
    pub houzhui: Option<String>,
    pub isnewyear: i32,
    pub apply_user: Option<String>,
    pub oa_order_no: Option<String>,
    pub sign_user: Option<String>,
    pub is_give: i32,
    pub six_id: Option<String>,
    pub package_type: i32,
    pub first_order: i32,
    pub origin: String,
    pub order_type: i32,
    pub sub_expire_time: Option<i64>,
    pub sub_finish: i32,
    pub new_all_flow: i64,
    pub last_flow: i64,
    pub order_type2: i32,
    pub buyer_type: i32,
    pub old_all_buy: i64,
    pub new_all_buy: i64,
    pub package_id: u64,
    pub coupon_id: u64,
    pub coupon_money: String,
    pub pool_type: i32,
}

/// Decodes a whole `flow_order_list` body the hand-written way: one strict pass, then the
/// status check.
pub fn decode_flow_page(body: &[u8]) -> Result<PlainFlowOrderPage, String> {
    let envelope: PlainEnvelope<PlainFlowOrderPage> =
        serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if envelope.ret != 0 {
        return Err(format!("refused: {} {}", envelope.ret, envelope.msg));
    }
    Ok(envelope.ret_data)
}

/// [`decode_flow_page`], then each record's `exec_data` (JSON inside a string) checked to be
/// JSON, as the generated `JsonString` does: the plain baseline doing the same semantic work as
/// the generated types.
pub fn decode_flow_page_checking_exec_data(body: &[u8]) -> Result<PlainFlowOrderPage, String> {
    let page = decode_flow_page(body)?;
    for order in &page.data {
        serde_json::from_str::<serde::de::IgnoredAny>(&order.exec_data)
            .map_err(|e| format!("`exec_data` is not JSON: {e}"))?;
    }
    Ok(page)
}

/// The hand-written `flow_order_list` call: the same multipart POST as the generated client
/// (the credentials first, then the request's fields in spec order), the same 30 s timeout, and
/// the plain strict decode.
#[derive(Debug, Clone)]
pub struct PlainClient {
    http: reqwest::Client,
    url: String,
    uid: String,
    appkey: String,
}

impl PlainClient {
    /// A client of the API at `base_url`, with its own connection pool.
    pub fn new(base_url: &str, uid: &str, appkey: &str) -> PlainClient {
        PlainClient {
            http: reqwest::Client::new(),
            url: format!("{base_url}/api/open/flow_order_list"),
            uid: uid.to_owned(),
            appkey: appkey.to_owned(),
        }
    }

    /// One page of flow orders.
    pub async fn flow_order_list(
        &self,
        page: u32,
        limit: u32,
    ) -> Result<PlainFlowOrderPage, String> {
        let body = self.flow_order_list_body(page, limit).await?;
        decode_flow_page(&body)
    }

    /// The body of one page of flow orders, undecoded.
    pub async fn flow_order_list_body(
        &self,
        page: u32,
        limit: u32,
    ) -> Result<bytes::Bytes, String> {
        let form = reqwest::multipart::Form::new()
            .text("uid", self.uid.clone())
            .text("appkey", self.appkey.clone())
            .text("page", page.to_string())
            .text("limit", limit.to_string());
        let response = self
            .http
            .post(&self.url)
            .multipart(form)
            .timeout(std::time::Duration::from_secs(30))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        response.bytes().await.map_err(|e| e.to_string())
    }
}
