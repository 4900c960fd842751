from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.staff_user_create_role import StaffUserCreateRole
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="StaffUserCreate")



@_attrs_define
class StaffUserCreate:
    """ 
        Attributes:
            email (str):
            role (StaffUserCreateRole):
            name (str | Unset):  Default: ''.
            password (None | str | Unset): Omit for sign-in by magic link only; never returned
     """

    email: str
    role: StaffUserCreateRole
    name: str | Unset = ''
    password: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value

        name = self.name

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
            "role": role,
        })
        if name is not UNSET:
            field_dict["name"] = name
        if password is not UNSET:
            field_dict["password"] = password

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        role = StaffUserCreateRole(d.pop("role"))




        name = d.pop("name", UNSET)

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))


        staff_user_create = cls(
            email=email,
            role=role,
            name=name,
            password=password,
        )

        return staff_user_create

