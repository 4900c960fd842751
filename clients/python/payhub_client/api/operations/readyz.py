from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.readyz_pay_hub_version import ReadyzPayHubVersion
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    pay_hub_version: ReadyzPayHubVersion | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)




    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/readyz",
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

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())



        return response_500

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

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
    client: AuthenticatedClient | Client,
    pay_hub_version: ReadyzPayHubVersion | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Readyz

     Ready to take traffic: the database answers. (The ERP and gateways are not checked: a payment must
    be possible while the ERP is down; postings catch up.)

    Args:
        pay_hub_version (ReadyzPayHubVersion | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        pay_hub_version=pay_hub_version,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    pay_hub_version: ReadyzPayHubVersion | Unset = UNSET,

) -> Any | Problem | None:
    """ Readyz

     Ready to take traffic: the database answers. (The ERP and gateways are not checked: a payment must
    be possible while the ERP is down; postings catch up.)

    Args:
        pay_hub_version (ReadyzPayHubVersion | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return sync_detailed(
        client=client,
pay_hub_version=pay_hub_version,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    pay_hub_version: ReadyzPayHubVersion | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Readyz

     Ready to take traffic: the database answers. (The ERP and gateways are not checked: a payment must
    be possible while the ERP is down; postings catch up.)

    Args:
        pay_hub_version (ReadyzPayHubVersion | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
     """


    kwargs = _get_kwargs(
        pay_hub_version=pay_hub_version,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    pay_hub_version: ReadyzPayHubVersion | Unset = UNSET,

) -> Any | Problem | None:
    """ Readyz

     Ready to take traffic: the database answers. (The ERP and gateways are not checked: a payment must
    be possible while the ERP is down; postings catch up.)

    Args:
        pay_hub_version (ReadyzPayHubVersion | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
     """


    return (await asyncio_detailed(
        client=client,
pay_hub_version=pay_hub_version,

    )).parsed
