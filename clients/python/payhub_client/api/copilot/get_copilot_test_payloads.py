from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_copilot_test_payloads_pay_hub_version import GetCopilotTestPayloadsPayHubVersion
from ...models.get_copilot_test_payloads_response_get_copilot_test_payloads import GetCopilotTestPayloadsResponseGetCopilotTestPayloads
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    operation_id: str,
    *,
    pay_hub_version: GetCopilotTestPayloadsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/copilot/test_payloads/{operation_id}".format(operation_id=quote(str(operation_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem | None:
    if response.status_code == 200:
        response_200 = GetCopilotTestPayloadsResponseGetCopilotTestPayloads.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    operation_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetCopilotTestPayloadsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem]:
    """ Test Payloads

     Edge-case payloads for one operation of this server's own spec, each with the status and `code`
    PayHub
    answers it with. Values from live data are `{"$context": …}` references (see
    payhub.copilot.payloads).

    Args:
        operation_id (str):
        pay_hub_version (GetCopilotTestPayloadsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem]
     """


    kwargs = _get_kwargs(
        operation_id=operation_id,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    operation_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetCopilotTestPayloadsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem | None:
    """ Test Payloads

     Edge-case payloads for one operation of this server's own spec, each with the status and `code`
    PayHub
    answers it with. Values from live data are `{"$context": …}` references (see
    payhub.copilot.payloads).

    Args:
        operation_id (str):
        pay_hub_version (GetCopilotTestPayloadsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem
     """


    return sync_detailed(
        operation_id=operation_id,
client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    operation_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetCopilotTestPayloadsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem]:
    """ Test Payloads

     Edge-case payloads for one operation of this server's own spec, each with the status and `code`
    PayHub
    answers it with. Values from live data are `{"$context": …}` references (see
    payhub.copilot.payloads).

    Args:
        operation_id (str):
        pay_hub_version (GetCopilotTestPayloadsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem]
     """


    kwargs = _get_kwargs(
        operation_id=operation_id,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    operation_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: GetCopilotTestPayloadsPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem | None:
    """ Test Payloads

     Edge-case payloads for one operation of this server's own spec, each with the status and `code`
    PayHub
    answers it with. Values from live data are `{"$context": …}` references (see
    payhub.copilot.payloads).

    Args:
        operation_id (str):
        pay_hub_version (GetCopilotTestPayloadsPayHubVersion | Unset):
        pay_hub_entity (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        GetCopilotTestPayloadsResponseGetCopilotTestPayloads | Problem
     """


    return (await asyncio_detailed(
        operation_id=operation_id,
client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
