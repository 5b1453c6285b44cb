//! The search page: static assets compiled into the binary, so `lede serve` needs no files
//! and no network. Corpus text only ever reaches the page as data (JSON), which the script
//! puts in the page as text, never as markup.

use axum::http::header;
use axum::response::IntoResponse;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");
const OPENAPI_JSON: &str = include_str!("assets/openapi.json");

/// `GET /`: the page.
pub async fn index() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
}

/// `GET /app.js`: the page's script.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        APP_JS,
    )
}

/// `GET /style.css`: the page's style sheet.
pub async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLE_CSS,
    )
}

/// `GET /api/openapi.json`: the API's description.
pub async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        OPENAPI_JSON,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_file_is_json_and_lists_every_endpoint() {
        let spec: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        for path in [
            "/api/query",
            "/api/facets/{kind}",
            "/api/stats",
            "/api/articles/{id}",
            "/api/timeline",
            "/api/export",
        ] {
            assert!(spec["paths"].get(path).is_some(), "{path} is not described");
        }
    }

    #[test]
    fn the_page_loads_its_own_script_and_style_only() {
        assert!(INDEX_HTML.contains("src=\"/app.js\""));
        assert!(INDEX_HTML.contains("href=\"/style.css\""));
        assert!(!INDEX_HTML.contains("http://") && !INDEX_HTML.contains("https://"));
        assert!(
            !APP_JS.contains("innerHTML"),
            "corpus text is set as text only"
        );
    }
}
