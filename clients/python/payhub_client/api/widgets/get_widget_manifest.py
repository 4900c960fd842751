from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.get_widget_manifest_pay_hub_version import GetWidgetManifestPayHubVersion
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    pay_hub_version: GetWidgetManifestPayHubVersion | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(pay_hub_version, Unset):
        headers["PayHub-Version"] = str(pay_hub_version)




    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/widgets/manifest",
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
    pay_hub_version: GetWidgetManifestPayHubVersion | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Manifest

     Every script the widgets' payment pages load, with its SRI hash, size and purpose: the inventory and
    integrity evidence PCI DSS 4.0.1 requirements 6.4.3 and 11.6.1 ask of a merchant's payment page.
    Public.

    Args:
        pay_hub_version (GetWidgetManifestPayHubVersion | Unset):

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
    pay_hub_version: GetWidgetManifestPayHubVersion | Unset = UNSET,

) -> Any | Problem | None:
    """ Manifest

     Every script the widgets' payment pages load, with its SRI hash, size and purpose: the inventory and
    integrity evidence PCI DSS 4.0.1 requirements 6.4.3 and 11.6.1 ask of a merchant's payment page.
    Public.

    Args:
        pay_hub_version (GetWidgetManifestPayHubVersion | Unset):

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
    pay_hub_version: GetWidgetManifestPayHubVersion | Unset = UNSET,

) -> Response[Any | Problem]:
    """ Manifest

     Every script the widgets' payment pages load, with its SRI hash, size and purpose: the inventory and
    integrity evidence PCI DSS 4.0.1 requirements 6.4.3 and 11.6.1 ask of a merchant's payment page.
    Public.

    Args:
        pay_hub_version (GetWidgetManifestPayHubVersion | Unset):

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
    pay_hub_version: GetWidgetManifestPayHubVersion | Unset = UNSET,

) -> Any | Problem | None:
    """ Manifest

     Every script the widgets' payment pages load, with its SRI hash, size and purpose: the inventory and
    integrity evidence PCI DSS 4.0.1 requirements 6.4.3 and 11.6.1 ask of a merchant's payment page.
    Public.

    Args:
        pay_hub_version (GetWidgetManifestPayHubVersion | Unset):

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
