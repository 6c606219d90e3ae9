//! `settings` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The value stored under `key`, if any.
pub async fn get<C: ConnectionTrait>(db: &C, key: &str) -> Result<Option<String>, DbErr> {
    Ok(Entity::find_by_id(key.to_string()).one(db).await?.map(|s| s.value))
}

/// Stores `value` under `key`, replacing what was there.
pub async fn put<C: ConnectionTrait>(db: &C, key: &str, value: String, now: DateTimeUtc) -> Result<(), DbErr> {
    use sea_orm::{sea_query::OnConflict, Set};
    let row = ActiveModel { key: Set(key.to_string()), value: Set(value), updated_at: Set(now) };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Key).update_columns([Column::Value, Column::UpdatedAt]).to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}
