from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.endpoint_create_retry_schedules_type_0 import EndpointCreateRetrySchedulesType0





T = TypeVar("T", bound="EndpointCreate")



@_attrs_define
class EndpointCreate:
    """ 
        Attributes:
            url (str):
            api_version (None | str | Unset): The dated version (PayHub-Version) events' `data` is shaped for. Default: the
                creating request's PayHub-Version if it sent one, else null: always the current version
            description (None | str | Unset):
            enabled (bool | Unset):  Default: True.
            event_types (list[str] | None | Unset): Names from GET /v1/event_types, or ["*"]
            failure_alert_threshold (int | None | Unset):
            max_concurrency (int | None | Unset):
            rate_limit_per_s (int | None | Unset):
            retry_schedule (list[int] | None | Unset): Seconds before each attempt; default [0, 5, 300, 1800, 7200, 18000,
                36000, 36000]
            retry_schedules (EndpointCreateRetrySchedulesType0 | None | Unset): Per event type schedules
     """

    url: str
    api_version: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    enabled: bool | Unset = True
    event_types: list[str] | None | Unset = UNSET
    failure_alert_threshold: int | None | Unset = UNSET
    max_concurrency: int | None | Unset = UNSET
    rate_limit_per_s: int | None | Unset = UNSET
    retry_schedule: list[int] | None | Unset = UNSET
    retry_schedules: EndpointCreateRetrySchedulesType0 | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.endpoint_create_retry_schedules_type_0 import EndpointCreateRetrySchedulesType0 # noqa: PLC0415
        url = self.url

        api_version: None | str | Unset
        if isinstance(self.api_version, Unset):
            api_version = UNSET
        else:
            api_version = self.api_version

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        enabled = self.enabled

        event_types: list[str] | None | Unset
        if isinstance(self.event_types, Unset):
            event_types = UNSET
        elif isinstance(self.event_types, list):
            event_types = self.event_types


        else:
            event_types = self.event_types

        failure_alert_threshold: int | None | Unset
        if isinstance(self.failure_alert_threshold, Unset):
            failure_alert_threshold = UNSET
        else:
            failure_alert_threshold = self.failure_alert_threshold

        max_concurrency: int | None | Unset
        if isinstance(self.max_concurrency, Unset):
            max_concurrency = UNSET
        else:
            max_concurrency = self.max_concurrency

        rate_limit_per_s: int | None | Unset
        if isinstance(self.rate_limit_per_s, Unset):
            rate_limit_per_s = UNSET
        else:
            rate_limit_per_s = self.rate_limit_per_s

        retry_schedule: list[int] | None | Unset
        if isinstance(self.retry_schedule, Unset):
            retry_schedule = UNSET
        elif isinstance(self.retry_schedule, list):
            retry_schedule = self.retry_schedule


        else:
            retry_schedule = self.retry_schedule

        retry_schedules: dict[str, Any] | None | Unset
        if isinstance(self.retry_schedules, Unset):
            retry_schedules = UNSET
        elif isinstance(self.retry_schedules, EndpointCreateRetrySchedulesType0):
            retry_schedules = self.retry_schedules.to_dict()
        else:
            retry_schedules = self.retry_schedules


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if api_version is not UNSET:
            field_dict["api_version"] = api_version
        if description is not UNSET:
            field_dict["description"] = description
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if failure_alert_threshold is not UNSET:
            field_dict["failure_alert_threshold"] = failure_alert_threshold
        if max_concurrency is not UNSET:
            field_dict["max_concurrency"] = max_concurrency
        if rate_limit_per_s is not UNSET:
            field_dict["rate_limit_per_s"] = rate_limit_per_s
        if retry_schedule is not UNSET:
            field_dict["retry_schedule"] = retry_schedule
        if retry_schedules is not UNSET:
            field_dict["retry_schedules"] = retry_schedules

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.endpoint_create_retry_schedules_type_0 import EndpointCreateRetrySchedulesType0 # noqa: PLC0415
        d = dict(src_dict)
        url = d.pop("url")

        def _parse_api_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_version = _parse_api_version(d.pop("api_version", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        enabled = d.pop("enabled", UNSET)

        def _parse_event_types(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                event_types_type_0 = cast(list[str], data)

                return event_types_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        event_types = _parse_event_types(d.pop("event_types", UNSET))


        def _parse_failure_alert_threshold(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        failure_alert_threshold = _parse_failure_alert_threshold(d.pop("failure_alert_threshold", UNSET))


        def _parse_max_concurrency(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_concurrency = _parse_max_concurrency(d.pop("max_concurrency", UNSET))


        def _parse_rate_limit_per_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rate_limit_per_s = _parse_rate_limit_per_s(d.pop("rate_limit_per_s", UNSET))


        def _parse_retry_schedule(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                retry_schedule_type_0 = cast(list[int], data)

                return retry_schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        retry_schedule = _parse_retry_schedule(d.pop("retry_schedule", UNSET))


        def _parse_retry_schedules(data: object) -> EndpointCreateRetrySchedulesType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                retry_schedules_type_0 = EndpointCreateRetrySchedulesType0.from_dict(data)



                return retry_schedules_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EndpointCreateRetrySchedulesType0 | None | Unset, data)

        retry_schedules = _parse_retry_schedules(d.pop("retry_schedules", UNSET))


        endpoint_create = cls(
            url=url,
            api_version=api_version,
            description=description,
            enabled=enabled,
            event_types=event_types,
            failure_alert_threshold=failure_alert_threshold,
            max_concurrency=max_concurrency,
            rate_limit_per_s=rate_limit_per_s,
            retry_schedule=retry_schedule,
            retry_schedules=retry_schedules,
        )

        return endpoint_create

