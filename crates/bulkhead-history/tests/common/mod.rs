#![allow(dead_code)] // each test file uses part of the helpers

pub mod postgres_server;
pub mod scenarios;
