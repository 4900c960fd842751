from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.revoke_api_key_pay_hub_version import RevokeApiKeyPayHubVersion
from ...models.revoke_api_key_response_revoke_api_key import RevokeApiKeyResponseRevokeApiKey
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    key_id: str,
    *,
    pay_hub_version: RevokeApiKeyPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/api_keys/{key_id}/revoke".format(key_id=quote(str(key_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RevokeApiKeyResponseRevokeApiKey | None:
    if response.status_code == 200:
        response_200 = RevokeApiKeyResponseRevokeApiKey.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | RevokeApiKeyResponseRevokeApiKey]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: RevokeApiKeyPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | RevokeApiKeyResponseRevokeApiKey]:
    """ Revoke

     Revoke at once: the next request with this key gets 401.

    Args:
        key_id (str):
        pay_hub_version (RevokeApiKeyPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevokeApiKeyResponseRevokeApiKey]
     """


    kwargs = _get_kwargs(
        key_id=key_id,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    key_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: RevokeApiKeyPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | RevokeApiKeyResponseRevokeApiKey | None:
    """ Revoke

     Revoke at once: the next request with this key gets 401.

    Args:
        key_id (str):
        pay_hub_version (RevokeApiKeyPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevokeApiKeyResponseRevokeApiKey
     """


    return sync_detailed(
        key_id=key_id,
client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    key_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: RevokeApiKeyPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Response[Problem | RevokeApiKeyResponseRevokeApiKey]:
    """ Revoke

     Revoke at once: the next request with this key gets 401.

    Args:
        key_id (str):
        pay_hub_version (RevokeApiKeyPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RevokeApiKeyResponseRevokeApiKey]
     """


    kwargs = _get_kwargs(
        key_id=key_id,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    key_id: str,
    *,
    client: AuthenticatedClient,
    pay_hub_version: RevokeApiKeyPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,

) -> Problem | RevokeApiKeyResponseRevokeApiKey | None:
    """ Revoke

     Revoke at once: the next request with this key gets 401.

    Args:
        key_id (str):
        pay_hub_version (RevokeApiKeyPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RevokeApiKeyResponseRevokeApiKey
     """


    return (await asyncio_detailed(
        key_id=key_id,
client=client,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,
idempotency_key=idempotency_key,

    )).parsed
