"""Configuration from environment variables (prefix ``XF_``) and flags, with embedded-mode defaults."""

import secrets
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.runtime.access import credentials as access_credentials
from services.runtime.bus import server_list, servers_text
from services.runtime.calendar import calendar
from services.runtime.clock import Clock, clock_for
from services.runtime.limits import STATUTE, Limits, Terms
from services.runtime.payloads import MAX_COMMAND_BYTES

COMPONENTS = ("intake", "assignment", "mediation", "supervision", "projections")


class Settings(BaseSettings):
    """Everything a component needs to run; every field has an ``XF_`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="XF_", extra="ignore")

    data_dir: Path = Field(Path("./xinfang-data"), description="embedded mode: SQLite files, JetStream, keys")
    nats_url: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="NATS servers, comma-separated seed URLs (a cluster: its nodes); empty in `up`: the bundled one",
    )
    nats_port: int = Field(0, description="port of the bundled nats-server; 0 picks a free one")
    stream_replicas: int = Field(
        1, ge=1, le=5, description="JetStream replicas of the case stream and every feed stream (3 on a cluster)"
    )
    duplicate_window_s: int = Field(3600, description="JetStream de-duplication window for re-sends")
    intake_db: str = ""
    assignment_db: str = ""
    mediation_db: str = ""
    supervision_db: str = ""
    projections_db: str = ""
    cipher_key: str = Field("", description="AES key (base64) encrypting every event store; generated if empty")
    org_file: Path | None = Field(None, description="organisation and routing catalogue; default ships")
    calendar_file: Path | None = Field(None, description="工作日历: public holidays and make-up working days")
    acceptance_limit_days: int = Field(STATUTE.acceptance, description="受理告知: days from receipt (Art 22, 23)")
    objection_limit_working_days: int = Field(
        STATUTE.objection, description="交办异议: working days from the department's receipt (Art 23¶3)"
    )
    receipt_notice_days: int = Field(
        STATUTE.receipt_notice, description="接收情况告知: days from the department's receipt (Art 23¶3)"
    )
    handling_limit_days: int = Field(STATUTE.handling, description="办理答复: days from acceptance (Art 34)")
    extension_max_days: int = Field(STATUTE.extension_max, description="延期: at most this many days (Art 34)")
    review_request_days: int = Field(
        STATUTE.review_request, description="申请复查/复核: days from its delivery (Art 35, 36)"
    )
    review_limit_days: int = Field(STATUTE.review, description="复查/复核意见: days from the request (Art 35, 36)")
    order_answer_days: int = Field(
        STATUTE.order_answer, description="督办单回复: days from issue (本地规定; the 2022 text sets no limit)"
    )
    proposal_feedback_days: int = Field(
        STATUTE.proposal_feedback, description="建议采纳情况书面反馈: days from the proposal (本地规定, Art 40¶4)"
    )
    acceptance_pauses_for_materials: bool = Field(
        STATUTE.materials_pause,
        description="本地规则: 补正材料期间受理期限中止 (off: the 2022 text has no pause, Art 22, 23)",
    )
    unsatisfied_sends_back: bool = Field(
        STATUTE.unsatisfied_sends_back,
        description="本地做法: 首轮不满意退回重办 (a practice; the petitioner may still ask for 复查, Art 35)",
    )
    suggestion_limit_days: int | None = Field(
        STATUTE.suggestion_handling, description="本地规则: 建议意见的办理期限 from acceptance; default none (Art 29)"
    )
    report_limit_days: int | None = Field(
        STATUTE.report_handling, description="本地规则: 检举控告的办理期限 from acceptance; none by default (Art 30)"
    )
    warning_days: list[int] = Field(
        list(STATUTE.warning_days), description="预警: days before each limit, e.g. XF_WARNING_DAYS=[5,3,1]"
    )
    lease_ttl_s: float = Field(
        10.0,
        gt=0,
        description="租约: a standby takes over this many seconds (at most) after the active instance dies; the active "
        "renews every third of it. Fixed when the lease bucket is first made: a bucket made earlier keeps its own",
    )
    assess_min_cases: int = Field(
        5, description="考核: a rate over fewer cases than this is shown but marked 样本不足 and not ranked"
    )
    idempotency_retention_days: int = Field(
        30,
        ge=1,
        description="请求标识 (command_id): days a key answers its command's first outcome; a key sent again later is "
        "decided anew",
    )
    sweep_interval_s: float = Field(60.0, description="how often supervision looks for warnings and overdue clocks")
    max_command_bytes: int = Field(
        MAX_COMMAND_BYTES,
        ge=1024,
        le=1024 * 1024,
        description="a command's body over this many bytes is refused unparsed (payload_too_large); at most the "
        "NATS server's max_payload (1 MB)",
    )
    batch_size: int = Field(256, description="messages a consumer applies in one transaction")
    relay_poll_s: float = Field(
        10.0, description="outbox relay: woken by every save; when idle it also reads the store this often (safety net)"
    )
    track_max_failures: int = Field(
        5, ge=1, description="信访件查询: wrong 查询码/查询密码 attempts on one code within the window before it locks"
    )
    track_window_minutes: int = Field(15, ge=1, description="信访件查询: the window the failures are counted in")
    track_lock_minutes: int = Field(15, ge=1, description="信访件查询: how long a code stays locked")
    users_file: Path | None = Field(None, description="工作人员账号 (xinfang users add); default <data_dir>/users.json")
    api_host: str = Field("127.0.0.1", description="the HTTP API and web console listen on this address")
    api_port: int = Field(8080, ge=0, le=65535, description="… and this port; 0 picks a free one")
    session_minutes: int = Field(480, ge=1, description="a staff sign-in lasts this many minutes")
    secure_cookies: bool = Field(False, description="mark cookies Secure (set it behind HTTPS)")
    max_request_bytes: int = Field(
        256 * 1024, ge=1024, description="an HTTP request body over this many bytes is refused (413)"
    )
    public_rate_per_minute: int = Field(
        30, ge=1, description="网上信访: requests per minute from one address to the public pages and API"
    )
    api_deadline_s: float = Field(
        5.0, gt=0, description="how long a web request keeps trying a command through an outage before 503"
    )
    today: date | None = Field(
        None, description="XF_TODAY=YYYY-MM-DD runs the district as of that date (training, demos); default: the date"
    )

    @field_validator("nats_url", mode="before")
    @classmethod
    def _seed_urls(cls, value: Any) -> Any:
        """``nats://a:4222,nats://b:4222`` (the environment, a flag) or a list, as every NATS client takes it."""
        return server_list(value) if isinstance(value, str | list | tuple) else value

    @property
    def nats_url_text(self) -> str:
        """The seed URLs as XF_NATS_URL spells them (comma-separated), for a child process's environment."""
        return servers_text(self.nats_url)

    @property
    def access_dir(self) -> Path:
        """Where ``xinfang auth init`` keeps the NATS users and each party's credentials."""
        return self.data_dir / "access"

    def credentials(self, party: str) -> dict[str, Any] | None:
        """A party's credentials (services.runtime.access), when this district has them; else an open server."""
        path = self.access_dir / "creds" / f"{party}.json"
        return access_credentials(path) if path.exists() else None

    @property
    def idempotency_retention(self) -> timedelta:
        return timedelta(days=self.idempotency_retention_days)

    def clock(self) -> Clock:
        """The one clock every component of this configuration reads "today" from."""
        return clock_for(self.today)

    def limits(self) -> Limits:
        return Limits(
            acceptance=self.acceptance_limit_days,
            objection=self.objection_limit_working_days,
            receipt_notice=self.receipt_notice_days,
            handling=self.handling_limit_days,
            extension_max=self.extension_max_days,
            review_request=self.review_request_days,
            review=self.review_limit_days,
            order_answer=self.order_answer_days,
            proposal_feedback=self.proposal_feedback_days,
            warning_days=tuple(self.warning_days),
            materials_pause=self.acceptance_pauses_for_materials,
            unsatisfied_sends_back=self.unsatisfied_sends_back,
            suggestion_handling=self.suggestion_limit_days,
            report_handling=self.report_limit_days,
        )

    def terms(self) -> Terms:
        """The configured limits and the working calendar (the shipped one unless XF_CALENDAR_FILE names another)."""
        return Terms(self.limits(), calendar(self.calendar_file))

    def db_url(self, component: str) -> str:
        url: str = getattr(self, f"{component}_db")
        if url:
            return url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir.resolve() / (component + '.db')}"

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.json"

    @property
    def nats_url_file(self) -> Path:
        """Where `xinfang up` records the bundled server's URL, so clients in the same directory find it."""
        return self.data_dir / "nats.url"

    @cached_property
    def resolved_cipher_key(self) -> str:
        """The configured key, else one kept in the data directory (created once, mode 0600)."""
        if self.cipher_key:
            return self.cipher_key
        from services.runtime.cipher import StoreCipher as AESCipher

        path = self.data_dir / "cipher.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{secrets.token_hex(4)}")
            tmp.write_text(AESCipher.create_key(num_bytes=32))
            tmp.chmod(0o600)
            tmp.replace(path)
        return path.read_text().strip()
