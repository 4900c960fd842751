from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_reconciliation_report_format import GetReconciliationReportFormat
from ...models.get_reconciliation_report_pay_hub_version import GetReconciliationReportPayHubVersion
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    gateway: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
    format_: GetReconciliationReportFormat | Unset = GetReconciliationReportFormat.JSON,
    pay_hub_version: GetReconciliationReportPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    params: dict[str, Any] = {}

    json_gateway: None | str | Unset
    if isinstance(gateway, Unset):
        json_gateway = UNSET
    else:
        json_gateway = gateway
    params["gateway"] = json_gateway

    json_date: None | str | Unset
    if isinstance(date, Unset):
        json_date = UNSET
    elif isinstance(date, datetime.date):
        json_date = date.isoformat()
    else:
        json_date = date
    params["date"] = json_date

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/reconciliation/report",
        "params": params,
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    gateway: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
    format_: GetReconciliationReportFormat | Unset = GetReconciliationReportFormat.JSON,
    pay_hub_version: GetReconciliationReportPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Get Report

     One day (UTC) of one gateway, or of all: what settled by currency and type, what matched, fees,
    exceptions by class.

    Args:
        gateway (None | str | Unset):
        date (datetime.date | None | Unset): UTC day; default: today
        format_ (GetReconciliationReportFormat | Unset):  Default:
            GetReconciliationReportFormat.JSON.
        pay_hub_version (GetReconciliationReportPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        gateway=gateway,
date=date,
format_=format_,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    gateway: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
    format_: GetReconciliationReportFormat | Unset = GetReconciliationReportFormat.JSON,
    pay_hub_version: GetReconciliationReportPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Any | Problem | None:
    """ Get Report

     One day (UTC) of one gateway, or of all: what settled by currency and type, what matched, fees,
    exceptions by class.

    Args:
        gateway (None | str | Unset):
        date (datetime.date | None | Unset): UTC day; default: today
        format_ (GetReconciliationReportFormat | Unset):  Default:
            GetReconciliationReportFormat.JSON.
        pay_hub_version (GetReconciliationReportPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return sync_detailed(
        client=client,
gateway=gateway,
date=date,
format_=format_,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    gateway: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
    format_: GetReconciliationReportFormat | Unset = GetReconciliationReportFormat.JSON,
    pay_hub_version: GetReconciliationReportPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Get Report

     One day (UTC) of one gateway, or of all: what settled by currency and type, what matched, fees,
    exceptions by class.

    Args:
        gateway (None | str | Unset):
        date (datetime.date | None | Unset): UTC day; default: today
        format_ (GetReconciliationReportFormat | Unset):  Default:
            GetReconciliationReportFormat.JSON.
        pay_hub_version (GetReconciliationReportPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        gateway=gateway,
date=date,
format_=format_,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    gateway: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
    format_: GetReconciliationReportFormat | Unset = GetReconciliationReportFormat.JSON,
    pay_hub_version: GetReconciliationReportPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Any | Problem | None:
    """ Get Report

     One day (UTC) of one gateway, or of all: what settled by currency and type, what matched, fees,
    exceptions by class.

    Args:
        gateway (None | str | Unset):
        date (datetime.date | None | Unset): UTC day; default: today
        format_ (GetReconciliationReportFormat | Unset):  Default:
            GetReconciliationReportFormat.JSON.
        pay_hub_version (GetReconciliationReportPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return (await asyncio_detailed(
        client=client,
gateway=gateway,
date=date,
format_=format_,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
