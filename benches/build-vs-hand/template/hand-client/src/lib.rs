//! A hand-written client of the eight IPIDEA order endpoints, as a careful engineer writes one
//! with reqwest and serde: typed requests and responses, strict `#[derive(Deserialize)]`, the
//! envelope checked, credentials in the multipart body. The baseline of the build-cost
//! benchmark: a user's crate on it against the same crate on the generated `ipidea` client.

use std::net::IpAddr;

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Why a call failed.
#[derive(Debug)]
pub enum Error {
    /// HTTP or decoding.
    Http(reqwest::Error),
    /// The API refused: `ret` and `msg`.
    Api { ret: i64, msg: String },
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Http(error)
    }
}

/// The response envelope.
#[derive(Debug, Deserialize)]
struct Envelope<T> {
    ret: i64,
    msg: String,
    ret_data: Option<T>,
}

/// Rental period of static residential (ISP) IPs.
#[derive(Debug, Clone, Copy)]
pub enum IspDuration {
    Weekly,
    Monthly,
    Quarterly,
}

impl IspDuration {
    fn as_str(self) -> &'static str {
        match self {
            IspDuration::Weekly => "weekly",
            IspDuration::Monthly => "monthly",
            IspDuration::Quarterly => "quarterly",
        }
    }
}

/// Rental period of datacenter IPs.
#[derive(Debug, Clone, Copy)]
pub enum DatacenterDuration {
    Week,
    Month,
    Season,
}

impl DatacenterDuration {
    fn as_str(self) -> &'static str {
        match self {
            DatacenterDuration::Week => "week",
            DatacenterDuration::Month => "month",
            DatacenterDuration::Season => "season",
        }
    }
}

/// Provider channel.
#[derive(Debug, Clone, Copy)]
pub enum PoolTag {
    Channel1,
    Channel2,
    Channel3,
    Channel4,
    Channel5,
}

impl PoolTag {
    fn as_str(self) -> &'static str {
        match self {
            PoolTag::Channel1 => "渠道一",
            PoolTag::Channel2 => "渠道二",
            PoolTag::Channel3 => "渠道三",
            PoolTag::Channel4 => "渠道四",
            PoolTag::Channel5 => "渠道五",
        }
    }
}

/// Payment status filter.
#[derive(Debug, Clone, Copy)]
pub enum PayStatus {
    Unpaid,
    Paid,
}

/// The order an open or renew call created.
#[derive(Debug, Deserialize)]
pub struct OrderCreated {
    pub order_id: String,
}

/// One page of a list.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub total: u64,
    pub per_page: serde_json::Value,
    pub current_page: u64,
    pub last_page: u64,
    pub data: Vec<T>,
}

/// A dynamic traffic order.
#[derive(Debug, Deserialize)]
#[allow(missing_docs)]
pub struct FlowOrder {
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

/// The filters of the four order lists.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub order_id: Option<String>,
    pub start_time: Option<NaiveDate>,
    pub end_time: Option<NaiveDate>,
    pub pay_status: Option<PayStatus>,
    pub page: Option<u32>,
    pub limit: Option<u32>,
}

impl ListQuery {
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = Vec::new();
        let date = |d: &NaiveDate| d.format("%Y-%-m-%-d").to_string();
        if let Some(id) = &self.order_id {
            fields.push(("order_id", id.clone()));
        }
        if let Some(d) = &self.start_time {
            fields.push(("start_time", date(d)));
        }
        if let Some(d) = &self.end_time {
            fields.push(("end_time", date(d)));
        }
        if let Some(status) = self.pay_status {
            fields.push(("pay_status", (status as u8).to_string()));
        }
        if let Some(page) = self.page {
            fields.push(("page", page.to_string()));
        }
        if let Some(limit) = self.limit {
            fields.push(("limit", limit.to_string()));
        }
        fields
    }
}

/// The client: one connection pool, the credentials, the base URL.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    uid: String,
    appkey: String,
}

impl Client {
    /// A client of `base_url` with these credentials.
    pub fn new(base_url: &str, uid: &str, appkey: &str) -> Result<Self, Error> {
        Ok(Client {
            http: reqwest::Client::builder().build()?,
            base_url: base_url.trim_end_matches('/').to_owned(),
            uid: uid.to_owned(),
            appkey: appkey.to_owned(),
        })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        fields: Vec<(&'static str, String)>,
    ) -> Result<T, Error> {
        let mut form = reqwest::multipart::Form::new()
            .text("uid", self.uid.clone())
            .text("appkey", self.appkey.clone());
        for (name, value) in fields {
            form = form.text(name, value);
        }
        let url = format!("{}/api/open/{endpoint}", self.base_url);
        let envelope: Envelope<T> = self
            .http
            .post(url)
            .multipart(form)
            .send()
            .await?
            .json()
            .await?;
        match envelope.ret_data {
            Some(data) if envelope.ret == 0 => Ok(data),
            _ => Err(Error::Api {
                ret: envelope.ret,
                msg: envelope.msg,
            }),
        }
    }

    fn open_fields(
        region: &str,
        duration: &str,
        num: u32,
        remark: Option<&str>,
        pool_tag: Option<PoolTag>,
    ) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("region", region.to_owned()),
            ("duration", duration.to_owned()),
            ("num", num.to_string()),
        ];
        if let Some(remark) = remark {
            fields.push(("remark", remark.to_owned()));
        }
        if let Some(tag) = pool_tag {
            fields.push(("pool_tag", tag.as_str().to_owned()));
        }
        fields
    }

    fn renew_fields(
        ips: &[IpAddr],
        duration: &str,
        remark: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        let list: Vec<String> = ips.iter().map(ToString::to_string).collect();
        let mut fields = vec![
            ("renew_ip_list", list.join(",")),
            ("duration", duration.to_owned()),
        ];
        if let Some(remark) = remark {
            fields.push(("remark", remark.to_owned()));
        }
        fields
    }

    /// Buys static residential (ISP) IPs. Spends money.
    pub async fn isp_ip_open(
        &self,
        region: &str,
        duration: IspDuration,
        num: u32,
        remark: Option<&str>,
        pool_tag: Option<PoolTag>,
    ) -> Result<OrderCreated, Error> {
        let fields = Self::open_fields(region, duration.as_str(), num, remark, pool_tag);
        self.call("isp_ip_open", fields).await
    }

    /// Renews static residential IPs. Spends money.
    pub async fn isp_ip_renew(
        &self,
        ips: &[IpAddr],
        duration: IspDuration,
        remark: Option<&str>,
    ) -> Result<OrderCreated, Error> {
        self.call(
            "isp_ip_renew",
            Self::renew_fields(ips, duration.as_str(), remark),
        )
        .await
    }

    /// Lists static residential orders.
    pub async fn isp_order_list(
        &self,
        query: &ListQuery,
    ) -> Result<Page<serde_json::Value>, Error> {
        self.call("isp_order_list", query.fields()).await
    }

    /// Buys datacenter IPs. Spends money.
    pub async fn static_ip_open(
        &self,
        region: &str,
        duration: DatacenterDuration,
        num: u32,
        remark: Option<&str>,
        pool_tag: Option<PoolTag>,
    ) -> Result<OrderCreated, Error> {
        let fields = Self::open_fields(region, duration.as_str(), num, remark, pool_tag);
        self.call("static_ip_open", fields).await
    }

    /// Renews datacenter IPs. Spends money.
    pub async fn static_ip_renew(
        &self,
        ips: &[IpAddr],
        duration: DatacenterDuration,
        remark: Option<&str>,
    ) -> Result<OrderCreated, Error> {
        self.call(
            "static_ip_renew",
            Self::renew_fields(ips, duration.as_str(), remark),
        )
        .await
    }

    /// Lists datacenter orders.
    pub async fn datacenter_order_list(
        &self,
        query: &ListQuery,
    ) -> Result<Page<serde_json::Value>, Error> {
        self.call("datacenter_order_list", query.fields()).await
    }

    /// Lists dynamic residential traffic orders.
    pub async fn flow_order_list(&self, query: &ListQuery) -> Result<Page<FlowOrder>, Error> {
        self.call("flow_order_list", query.fields()).await
    }

    /// Lists dynamic mobile traffic orders.
    pub async fn mobile_flow_order_list(
        &self,
        query: &ListQuery,
    ) -> Result<Page<FlowOrder>, Error> {
        self.call("mobile_flow_order_list", query.fields()).await
    }
}
