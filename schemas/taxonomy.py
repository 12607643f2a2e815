"""taxonomy, taxonomy_term, attribute and metadata."""

from marshmallow import fields

from schemas.base import HSDSSchema, uuid_field


class TaxonomySchema(HSDSSchema):
    id = uuid_field()
    name = fields.String()
    description = fields.String()
    uri = fields.String()
    version = fields.String()


class TaxonomyTermSchema(HSDSSchema):
    id = uuid_field()
    code = fields.String()
    name = fields.String()
    description = fields.String()
    parent_id = uuid_field()
    taxonomy = fields.String()
    taxonomy_detail = fields.Nested(TaxonomySchema)
    language = fields.String()
    taxonomy_id = uuid_field()
    term_uri = fields.String()


class AttributeSchema(HSDSSchema):
    id = uuid_field()
    link_id = uuid_field()
    taxonomy_term_id = uuid_field()
    link_type = fields.String()
    link_entity = fields.String()
    value = fields.String()
    taxonomy_term = fields.Nested(TaxonomyTermSchema)


class MetadataSchema(HSDSSchema):
    id = uuid_field()
    resource_id = uuid_field()
    resource_type = fields.String()
    last_action_date = fields.DateTime()
    last_action_type = fields.String()
    field_name = fields.String()
    previous_value = fields.String()
    replacement_value = fields.String()
    updated_by = fields.String()
