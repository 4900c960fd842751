from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.extension_update import ExtensionUpdate
from ...models.problem import Problem
from ...models.update_extension_pay_hub_version import UpdateExtensionPayHubVersion
from ...models.update_extension_response_update_extension import UpdateExtensionResponseUpdateExtension
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: ExtensionUpdate,
    pay_hub_version: UpdateExtensionPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)


    if not isinstance(pay_hub_entity, Unset):
        headers["PayHub-Entity"] = pay_hub_entity



    

    

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/extensions/{name}".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | UpdateExtensionResponseUpdateExtension | None:
    if response.status_code == 200:
        response_200 = UpdateExtensionResponseUpdateExtension.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | UpdateExtensionResponseUpdateExtension]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: ExtensionUpdate,
    pay_hub_version: UpdateExtensionPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateExtensionResponseUpdateExtension]:
    """ Patch Extension

     Enable or disable an extension for this entity, or pin one of its installed versions. Audited.

    Args:
        name (str):
        pay_hub_version (UpdateExtensionPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (ExtensionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateExtensionResponseUpdateExtension]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: ExtensionUpdate,
    pay_hub_version: UpdateExtensionPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateExtensionResponseUpdateExtension | None:
    """ Patch Extension

     Enable or disable an extension for this entity, or pin one of its installed versions. Audited.

    Args:
        name (str):
        pay_hub_version (UpdateExtensionPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (ExtensionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateExtensionResponseUpdateExtension
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: ExtensionUpdate,
    pay_hub_version: UpdateExtensionPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Response[Problem | UpdateExtensionResponseUpdateExtension]:
    """ Patch Extension

     Enable or disable an extension for this entity, or pin one of its installed versions. Audited.

    Args:
        name (str):
        pay_hub_version (UpdateExtensionPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (ExtensionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UpdateExtensionResponseUpdateExtension]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: ExtensionUpdate,
    pay_hub_version: UpdateExtensionPayHubVersion | Unset = UNSET,
    pay_hub_entity: str | Unset = UNSET,

) -> Problem | UpdateExtensionResponseUpdateExtension | None:
    """ Patch Extension

     Enable or disable an extension for this entity, or pin one of its installed versions. Audited.

    Args:
        name (str):
        pay_hub_version (UpdateExtensionPayHubVersion | Unset):
        pay_hub_entity (str | Unset):
        body (ExtensionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UpdateExtensionResponseUpdateExtension
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
pay_hub_version=pay_hub_version,
pay_hub_entity=pay_hub_entity,

    )).parsed
