variable "db_password" {
  type    = string
  default = "Sup3rS3cret!" # expect: oc-hcl:secret-variable-default
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
  acl    = "public-read" # expect: oc-hcl:s3-public-acl
}

resource "aws_security_group" "admin" {
  name = "admin"

  ingress { # expect: oc-hcl:ingress-admin-port-open
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "main" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  username            = "app"
  password            = var.db_password
  publicly_accessible = true  # expect: oc-hcl:rds-publicly-accessible
  storage_encrypted   = false # expect: oc-hcl:unencrypted-storage
}

resource "aws_iam_policy" "deploy" {
  name = "deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # expect: oc-hcl:iam-all-actions
      Resource = "*"
    }]
  })
}

resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  associate_public_ip_address = true

  metadata_options {
    http_tokens = "optional" # expect: oc-hcl:imdsv1-allowed
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1"
  port              = 80
  protocol          = "HTTP" # expect: oc-hcl:http-listener
  default_action {
    type = "forward"
  }
}

output "db_host" {
  value = "${aws_db_instance.main.address}" # expect: oc-hcl:interpolation-only
}
