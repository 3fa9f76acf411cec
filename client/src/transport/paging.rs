//! Page streams: every item of every page of a list, one page in memory at a time.

use futures_util::stream::{self, Stream};

use super::Transport;
use crate::api::{Page, PagedRequest};
use crate::error::Error;

impl Transport {
    /// Every item of every page, fetched one page at a time as the stream is read.
    ///
    /// It starts at the request's page (or 1) and stops after the last page the server reports,
    /// or at an empty page. Only one page is held in memory. A failed page ends the stream with
    /// its error, after the retries of the policy.
    pub fn stream<R>(&self, request: R) -> PageStream<<R::Data as Page>::Item>
    where
        R: PagedRequest,
        R::Data: Page,
    {
        struct State<R: PagedRequest>
        where
            R::Data: Page,
        {
            transport: Transport,
            request: R,
            next_page: Option<u64>,
            items: std::vec::IntoIter<<R::Data as Page>::Item>,
        }
        let first = request.page().unwrap_or(1).max(1);
        let state = State {
            transport: self.clone(),
            request,
            next_page: Some(first),
            items: Vec::new().into_iter(),
        };
        let stream = stream::try_unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Ok(Some((item, state)));
                }
                let Some(page) = state.next_page else {
                    return Ok(None);
                };
                // Free the spent page's buffer before the next page arrives, so that only one
                // page is ever held.
                state.items = Vec::new().into_iter();
                state.request.set_page(page);
                let data = state.transport.send(&state.request).await?.into_data();
                let last = data.last_page();
                let items = data.into_items();
                state.next_page = if items.is_empty() || page >= last {
                    None
                } else {
                    Some(page + 1)
                };
                state.items = items.into_iter();
            }
        });
        Box::pin(stream)
    }
}

/// A stream of the items of every page of a list, fetched lazily.
pub type PageStream<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;
