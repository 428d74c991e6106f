"""Scrapy settings for finnews: every knob in one place. Site endpoints default to the real sites;
tests and the demo point them at a local replica with -s NAME=VALUE."""

BOT_NAME = "finnews"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Politeness: obey robots.txt, throttle to the server's latency. USER_AGENT is for sites without an
# identity of their own; eastmoney and chinaorg present the identity of configs/sites.yaml (a
# browser-like User-Agent and the Referer each endpoint expects: crawler/identity.py). robots.txt is
# read for our own product token ROBOTSTXT_USER_AGENT (else the "*" rules), whatever User-Agent is sent.
USER_AGENT = "finnews/0.1 (finance news research crawler; polite, obeys robots.txt)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "finnews"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Per-domain concurrency and delay come from configs/sites.yaml (DOWNLOAD_SLOTS, set by this add-on).
ADDONS = {"crawler.sites.SitesAddon": 0}

# Robustness: bounded time and size per response, retries on overload and server errors.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each further one
RETRY_BACKOFF_MAX = 60.0
REDIRECT_MAX_TIMES = 5

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# One concern per pipeline, in order: clean the body, tag it, index it.
ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.tag.TagPipeline": 200,
    "pipelines.index.IndexPipeline": 300,
}
FINNEWS_INDEX_ENABLED = True
# Pages that carry ticker markup (Eastmoney) are tagged from their text with the entity linker, as China.org
# pages are, with the markup as the page's own evidence: the text's reading decides every mark of a name it
# knows, the marks it cannot read stay (docs/tagging.md). Eastmoney marks names only, so the markup alone misses
# the sectors and companies a reader sees in lists of industries, in the words news uses for a sector, by
# aliases and in the title (boards recall 0.64 on the real Eastmoney articles of the development sets).
# FINNEWS_TAG_MARKUP_ONLY: from the markup alone, at about twice the tagging speed (bench/tagging.py).
# FINNEWS_TAG_FROM_TEXT: from the text alone, the markup ignored. Either way the indexes and funds the markup
# names stay listed (instruments). `finnews extract` takes --markup-only and --plain.
FINNEWS_TAG_MARKUP_ONLY = False
FINNEWS_TAG_FROM_TEXT = False
FINNEWS_BULK_CHUNK_SIZE = 500  # articles per bulk request

# Eastmoney: three kinds of rolling list (spider argument sources=columns,fast,pages), paged back
# until articles already indexed, a since= date or EASTMONEY_MAX_PAGES; then the article pages.
EASTMONEY_SOURCES = ["columns", "fast", "pages"]
EASTMONEY_LIST_API = "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns"
EASTMONEY_COLUMNS = [345, 350, 353]  # 要闻精华, 国内经济, 证券聚焦
EASTMONEY_FAST_API = "https://np-listapi.eastmoney.com/comm/web/getFastNewsList"
EASTMONEY_FAST_COLUMNS = [102]  # 7×24 全球直播
EASTMONEY_ARTICLE_URL = "https://finance.eastmoney.com/a/{code}.html"  # 7×24 items carry only a code
EASTMONEY_LIST_PAGES = ["https://finance.eastmoney.com/a/cywjh.html", "https://finance.eastmoney.com/a/ccjdd.html"]
EASTMONEY_LIST_PAGES_MAX = 25  # the HTML lists stop at page 25
EASTMONEY_PAGE_SIZE = 20
# 财富号 posts (Np_dst "CFH", caifuhao.eastmoney.com) are user columns on pages of another layout, not
# Eastmoney's news: skipped and counted (finnews/skipped/caifuhao) unless this is True, when they are
# fetched and read by the generic main-content path.
EASTMONEY_FETCH_CAIFUHAO = False
EASTMONEY_MAX_PAGES = 5
# A list the seen store knew before (an earlier crawl read it) whose page max_pages is still all new
# has moved further than a crawl reaches since the last one (an outage, a burst): it is paged on, while
# every page is new, up to this many pages. A list still all new at its last page allowed is reported
# (finnews/list_truncated, the run partial): older items may be missed. (China.org's lists alike.)
FINNEWS_CATCH_UP_PAGES = 25
# A crawl that reads fewer pages than this (a live poll of max_pages 1) pages a list on to this many for an article it
# linked that was found without body text and is due to be fetched again (crawler.seen.Bodyless), while no page read
# has listed it: newer articles push it past page 1 within minutes, and a one-page poll never reached it.
FINNEWS_BODYLESS_SEEK_PAGES = 3

# China.org / china.com.cn: finance and tech list pages → article pages (some served as GBK). A channel's
# script list (app.finance.china.com.cn/news/more_news.php?cnl={bank|fund|…}&index=0&page=1, JSONP carrying
# the items' HTML) can be a start URL too: it is paged by its page= (crawler/spiders/chinaorg.py).
CHINAORG_START_URLS = [
    "http://app.finance.china.com.cn/news/column.php?cname=%E8%AF%81%E5%88%B8%E8%A6%81%E9%97%BB&p=1",  # 证券要闻
    "http://app.finance.china.com.cn/news/column.php?cname=%E4%B8%8A%E5%B8%82%E5%85%AC%E5%8F%B8&p=1",  # 上市公司
    "http://tech.china.com.cn/internet/",
    # The stock channel's script list: two crawlers of 2022 and later page it (sites.md 3.3, PROVENANCE.md C), a
    # second way in to the finance news should the column pages go.
    "http://app.finance.china.com.cn/news/more_news.php?cnl=stock&index=0&page=1",
]
CHINAORG_MAX_PAGES = 5

# The feed spider (configs/sites.yaml feeds): a feed (RSS, Atom, a sitemap) is one document whose order promises
# nothing, so each crawl asks for at most FEED_MAX_PAGES × FEED_PAGE_SIZE of its unseen pages, newest first where
# every entry is dated, the rest left to the next (crawler/spiders/feed.py); of a sitemap index, the FEED_MAX_PAGES
# sitemaps changed last.
FEED_MAX_PAGES = 5
FEED_PAGE_SIZE = 20

# Blocked, not just failed (crawler/blocking.py): 403/429/451, a captcha page served with 200, a
# firewall's script challenge, a redirect to a login or verification URL, an empty list that had
# items, a run of non-article pages.
# Each blocked answer slows its domain down (BASE × 2^(n−1) s apart, at most MAX, or what Retry-After
# asks) and is tried again up to RETRY_TIMES; THRESHOLD blocked answers in a row stop the source
# (a list and its articles), as does a Retry-After longer than MAX. 429 is handled here, not retried
# by RETRY_HTTP_CODES (this middleware sees it first).
BLOCKING_ENABLED = True
DOWNLOAD_HANDLERS = {  # Scrapy's HTTP handler, waiting out the back-off right before a request goes out
    "http": "crawler.blocking.BlockingDownloadHandler",
    "https": "crawler.blocking.BlockingDownloadHandler",
}
BLOCKING_HTTP_CODES = [403, 429, 451]
BLOCKING_LOGIN_URL_PATTERN = (
    r"(?:login|logon|signin|sign-in|passport|verify|verification|captcha|validate|security[-_]?check)"
)
BLOCKING_THRESHOLD = 5
BLOCKING_RETRY_TIMES = 2
BLOCKING_BACKOFF_BASE = 10.0
BLOCKING_BACKOFF_MAX = 300.0
BLOCKING_NON_ARTICLE_RUN = 5
BLOCKING_LIST_MEMORY = ""  # which lists had items (JSON); default: list-memory.json in the state directory
BLOCKING_LIST_MEMORY_DAYS = 7.0  # a list empty for longer than this is taken as really empty
# The sites' back-off and request budget carried from crawl to crawl (JSON); default: site-pace.json
# in the state directory (crawler.backoff.PaceMemory).
BLOCKING_PACE_MEMORY = ""

# Incremental crawling: article pages already indexed are not fetched again (an SQLite store under
# the state directory; FINNEWS_SEEN_DB overrides its path).
DOWNLOADER_MIDDLEWARES = {
    "crawler.seen.SeenArticlesMiddleware": 50,
    "crawler.identity.SiteIdentityMiddleware": 390,  # before Scrapy's default headers and User-Agent (400, 500)
    "crawler.redirects.RedirectLoopMiddleware": 650,  # sees a 3xx before RedirectMiddleware (600)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,  # Scrapy's retry rules, with waits between tries
    "crawler.blocking.BlockingMiddleware": 640,  # sees refusals before redirects are followed or retried
}
FINNEWS_SEEN_ENABLED = True
FINNEWS_SEEN_DB = ""

# Distributed crawling (finnews crawl --distributed, FINNEWS_REDIS_URL): the frontier in Redis.
# The coordinator and the sweep middleware switch themselves off (NotConfigured) unless FINNEWS_DISTRIBUTED is on.
EXTENSIONS = {
    "crawler.distributed.Coordinator": 500,
    "crawler.jobdir.JobDirGuard": 0,  # a JOBDIR of a killed crawl: its stale fingerprints discarded
    "crawler.robots.QuietRobotsErrors": 0,  # a robots.txt that cannot be fetched: one line, not a traceback
    # AutoThrottle that keeps each site's configured delay as its floor (Scrapy's goes down to DOWNLOAD_DELAY)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.throttle.SiteAutoThrottle": 0,
}
SPIDER_MIDDLEWARES = {"crawler.distributed.SweepMiddleware": 950}
FINNEWS_DISTRIBUTED = False
